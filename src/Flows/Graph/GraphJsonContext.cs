using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Flows.Graph;

/// <summary>Source-generated serializers for the Graph API wire shapes (snake_case, nulls omitted).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GraphValidationAnswer))]
[JsonSerializable(typeof(GraphErrorEnvelope))]
[JsonSerializable(typeof(GraphSuccess))]
[JsonSerializable(typeof(FlowDetails))]
[JsonSerializable(typeof(GraphPage<FlowDetails>))]
[JsonSerializable(typeof(GraphPage<FlowAsset>))]
[JsonSerializable(typeof(FlowMigrationResult))]
[JsonSerializable(typeof(BusinessPublicKeyAnswer))]
[JsonSerializable(typeof(SentMessage))]
[JsonSerializable(typeof(FlowMessageWire))]
[JsonSerializable(typeof(CreateFlowWire))]
[JsonSerializable(typeof(UpdateFlowWire))]
[JsonSerializable(typeof(List<FlowValidationError>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class GraphJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Same shapes, written without escaping '+', non-ASCII or HTML characters: request bodies stay
    /// readable (phone numbers, texts with accents), and the JSON is equally valid for Meta.
    /// </summary>
    public static GraphJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>Wire shape of the create request.</summary>
internal sealed record CreateFlowWire(
    string Name,
    IReadOnlyList<FlowCategory> Categories,
    string? FlowJson,
    bool? Publish,
    string? CloneFlowId,
    string? EndpointUri);

/// <summary>Wire shape of the metadata update request.</summary>
internal sealed record UpdateFlowWire(
    string? Name,
    IReadOnlyList<FlowCategory>? Categories,
    string? EndpointUri,
    string? ApplicationId);
