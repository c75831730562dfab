using System.Text.Json;

namespace Backend.Flows.Graph;

// The Graph API's answers as they come over the wire, read by the client and turned into the public models of
// FlowModels.cs; nothing outside this library sees them.

/// <summary>Wire shape of a create answer and of an upload answer.</summary>
internal sealed record GraphValidationAnswer(string? Id, bool Success, IReadOnlyList<FlowValidationError>? ValidationErrors);

/// <summary>Wire shape of the Graph error envelope.</summary>
internal sealed record GraphErrorEnvelope(GraphErrorBody? Error);

/// <summary>Wire shape of a Graph error.</summary>
internal sealed record GraphErrorBody(
    string? Message,
    string? Type,
    int Code,
    int? ErrorSubcode,
    string? ErrorUserTitle,
    string? ErrorUserMsg,
    string? FbtraceId,
    bool? IsTransient,
    JsonElement? ErrorData);

/// <summary>Wire shape of the public key answer: flat, or wrapped in <c>data:[…]</c> (as the Graph API reference of <c>GET /{PHONE_NUMBER_ID}/whatsapp_business_encryption</c> shows, and as seen in answers).</summary>
internal sealed record BusinessPublicKeyAnswer(
    string? BusinessPublicKey,
    string? BusinessPublicKeySignatureStatus,
    IReadOnlyList<BusinessPublicKeyAnswer>? Data);
