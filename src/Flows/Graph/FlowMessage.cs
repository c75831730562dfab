using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Backend.Flows.Graph;

/// <summary>What opening the flow does (<c>flow_action</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlowMessageAction>))]
public enum FlowMessageAction
{
    /// <summary>Open <see cref="FlowMessage.Screen"/> with <see cref="FlowMessage.Data"/> (no endpoint call).</summary>
    [JsonStringEnumMemberName("navigate")] Navigate,
    /// <summary>Ask the endpoint for the first screen (it receives <c>INIT</c>).</summary>
    [JsonStringEnumMemberName("data_exchange")] DataExchange,
}

/// <summary>Which version of the flow is sent (<c>mode</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlowMessageMode>))]
public enum FlowMessageMode
{
    /// <summary>The published version.</summary>
    [JsonStringEnumMemberName("published")] Published,
    /// <summary>The current draft (for testing before publishing).</summary>
    [JsonStringEnumMemberName("draft")] Draft,
}

/// <summary>
/// An interactive flow message (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow). Exactly one of <see cref="FlowId"/> and
/// <see cref="FlowName"/> names the flow; <see cref="Validate"/> checks Meta's limits before sending.
/// </summary>
public sealed record FlowMessage
{
    /// <summary>Longest header and footer text, in characters.</summary>
    public const int MaxHeaderLength = 60;

    /// <summary>Longest body text, in characters.</summary>
    public const int MaxBodyLength = 1024;

    /// <summary>Longest footer text, in characters.</summary>
    public const int MaxFooterLength = 60;

    /// <summary>Longest call-to-action label, in characters.</summary>
    public const int MaxCtaLength = 30;

    /// <summary>Recipient: WhatsApp id or phone number in international format.</summary>
    public required string To { get; init; }

    /// <summary>Flow id (exclusive with <see cref="FlowName"/>).</summary>
    public string? FlowId { get; init; }

    /// <summary>Flow name (Cloud API only; exclusive with <see cref="FlowId"/>).</summary>
    public string? FlowName { get; init; }

    /// <summary>Button label, at most 30 characters, no emoji.</summary>
    public required string Cta { get; init; }

    /// <summary>Message body text (required by Meta for flow messages), at most 1024 characters.</summary>
    public required string Body { get; init; }

    /// <summary>Optional text header, at most 60 characters.</summary>
    public string? Header { get; init; }

    /// <summary>Optional footer, at most 60 characters.</summary>
    public string? Footer { get; init; }

    /// <summary>
    /// Opaque token echoed in every endpoint request and in the completion webhook. Use a fresh,
    /// unpredictable value per message; null omits it (Meta then uses <c>unused</c>).
    /// </summary>
    public string? FlowToken { get; init; }

    /// <summary>Navigate (default) or data_exchange.</summary>
    public FlowMessageAction Action { get; init; } = FlowMessageAction.Navigate;

    /// <summary>Entry screen for navigate; null lets Meta open the first entry screen. Not allowed with data_exchange.</summary>
    public string? Screen { get; init; }

    /// <summary>Initial data of the entry screen for navigate (non-empty object; needs <see cref="Screen"/>).</summary>
    public JsonObject? Data { get; init; }

    /// <summary>Published (default) or draft.</summary>
    public FlowMessageMode Mode { get; init; } = FlowMessageMode.Published;

    /// <summary>
    /// The JSON body of <c>POST /{phone-number-id}/messages</c> for this message, as the client sends it
    /// (for callers that send it themselves, or show it).
    /// </summary>
    /// <param name="dataAsString">Send <c>flow_action_payload.data</c> as a JSON string (the current docs) rather than an object.</param>
    public JsonObject ToRequestBody(bool dataAsString = false) =>
        JsonSerializer.SerializeToNode(ToWire(dataAsString), GraphJsonContext.Wire.FlowMessageWire)!.AsObject();

    internal FlowMessageWire ToWire(bool dataAsString)
    {
        JsonNode? data = Data is null ? null
            : dataAsString ? JsonValue.Create(Data.ToJsonString(GraphJsonContext.Wire.Options)) : Data.DeepClone();
        var payload = Action == FlowMessageAction.Navigate && Screen is not null
            ? new FlowActionPayloadWire(Screen, data)
            : null;
        return new FlowMessageWire("whatsapp", "individual", To, "interactive",
            new FlowInteractiveWire("flow",
                Header is null ? null : new FlowTextWire(Header) { Type = "text" },
                new FlowTextWire(Body),
                Footer is null ? null : new FlowTextWire(Footer),
                new FlowActionWire("flow", new FlowParametersWire("3", FlowToken,
                    NullIfBlank(FlowId), NullIfBlank(FlowName), Cta, Action, payload, Mode))));
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Returns every rule the message breaks; empty when it can be sent.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(To))
        {
            problems.Add("to: a recipient is required.");
        }

        if (string.IsNullOrWhiteSpace(FlowId) == string.IsNullOrWhiteSpace(FlowName))
        {
            problems.Add("flow: exactly one of flow_id and flow_name is required.");
        }

        CheckText(problems, "flow_cta", Cta, MaxCtaLength, required: true);
        CheckText(problems, "body", Body, MaxBodyLength, required: true);
        CheckText(problems, "header", Header, MaxHeaderLength, required: false);
        CheckText(problems, "footer", Footer, MaxFooterLength, required: false);
        if (FlowToken is { Length: 0 })
        {
            problems.Add("flow_token: must not be empty (omit it instead).");
        }

        if (Action == FlowMessageAction.DataExchange && (Screen is not null || Data is not null))
        {
            problems.Add("flow_action_payload: only allowed with flow_action navigate; the endpoint chooses the first screen for data_exchange.");
        }

        if (Data is not null && Screen is null)
        {
            problems.Add("flow_action_payload.data: needs a screen.");
        }

        if (Data is { Count: 0 })
        {
            problems.Add("flow_action_payload.data: must be a non-empty object (omit it instead).");
        }

        if (Screen is { } screen && (screen.Length == 0 || !screen.All(c => char.IsAsciiLetter(c) || c == '_')))
        {
            problems.Add("flow_action_payload.screen: a screen id has only letters and underscores.");
        }

        return problems;
    }

    private static void CheckText(List<string> problems, string field, string? text, int max, bool required)
    {
        if (text is null || text.Trim().Length == 0)
        {
            if (required || text is not null)
            {
                problems.Add($"{field}: must not be empty.");
            }

            return;
        }

        var length = text.EnumerateRunes().Count();
        if (length > max)
        {
            problems.Add($"{field}: {length} characters, at most {max} allowed.");
        }
    }
}

/// <summary>Wire shape of the send request.</summary>
internal sealed record FlowMessageWire(
    string MessagingProduct,
    string RecipientType,
    string To,
    string Type,
    FlowInteractiveWire Interactive);

internal sealed record FlowInteractiveWire(string Type, FlowTextWire? Header, FlowTextWire Body, FlowTextWire? Footer, FlowActionWire Action);

internal sealed record FlowTextWire(string Text)
{
    [JsonPropertyOrder(-1)]
    public string? Type { get; init; }
}

internal sealed record FlowActionWire(string Name, FlowParametersWire Parameters);

internal sealed record FlowParametersWire(
    string FlowMessageVersion,
    string? FlowToken,
    string? FlowId,
    string? FlowName,
    string FlowCta,
    FlowMessageAction FlowAction,
    FlowActionPayloadWire? FlowActionPayload,
    FlowMessageMode Mode);

internal sealed record FlowActionPayloadWire(string Screen, JsonNode? Data);
