using System.Text.Json.Nodes;
using Backend.Flows.Graph;

namespace Backend.Api.Admin;

/// <summary>Ask for a flow token for <see cref="To"/>, and the flow message that carries it.</summary>
public sealed record IssueSessionRequest
{
    /// <summary>The recipient's WhatsApp id (phone number with country code).</summary>
    public required string To { get; init; }

    public string? FlowId { get; init; }

    public string? FlowName { get; init; }

    public string Cta { get; init; } = "Open";

    public string Body { get; init; } = "Please continue in the form.";

    public string? Header { get; init; }

    public string? Footer { get; init; }

    /// <summary><c>navigate</c> (the first screen opens without calling the endpoint) or <c>data_exchange</c> (INIT).</summary>
    public FlowMessageAction Action { get; init; } = FlowMessageAction.Navigate;

    /// <summary>The screen to open with <c>navigate</c>; default: the flow's first screen.</summary>
    public string? Screen { get; init; }

    public JsonObject? Data { get; init; }

    public FlowMessageMode Mode { get; init; } = FlowMessageMode.Published;

    /// <summary>Whether <see cref="To"/> is a WhatsApp id: digits, optionally after '+'.</summary>
    public bool HasValidRecipient() =>
        !string.IsNullOrWhiteSpace(To) && To.TrimStart('+').All(char.IsAsciiDigit);

    /// <summary>
    /// The flow message that sends <paramref name="flowToken"/> for flow <paramref name="flowName"/>: Meta's flow id
    /// from the request or <paramref name="configuredFlowId"/>, else the flow's name; with <c>navigate</c>, the
    /// requested screen or <paramref name="firstScreen"/>.
    /// </summary>
    public FlowMessage ToFlowMessage(string flowName, string flowToken, string? configuredFlowId, string firstScreen)
    {
        var flowId = FlowId ?? configuredFlowId;
        var navigate = Action == FlowMessageAction.Navigate;
        return new FlowMessage
        {
            To = To,
            FlowId = flowId,
            FlowName = flowId is null ? FlowName ?? flowName : null,
            Cta = Cta,
            Body = Body,
            Header = Header,
            Footer = Footer,
            FlowToken = flowToken,
            Action = Action,
            Screen = navigate ? Screen ?? firstScreen : null,
            Data = navigate ? Data : null,
            Mode = Mode,
        };
    }
}

/// <summary>An issued session and the Graph API request body that sends it.</summary>
public sealed record IssuedSession(string FlowToken, string FlowName, DateTimeOffset? ExpiresAt, JsonObject Message);

/// <summary>A sent flow message.</summary>
public sealed record SentSession(string FlowToken, string FlowName, DateTimeOffset? ExpiresAt, string? MessageId);
