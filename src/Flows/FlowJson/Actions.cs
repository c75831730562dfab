using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// An action (<c>on-click-action</c>, <c>on-select-action</c>, <c>on-unselect-action</c>), written
/// with its <c>name</c> first: navigate, data_exchange, complete, update_data (6.0+), open_url (6.0+).
/// Payload values may be literals, <see cref="FlowRef"/>s or nested dictionaries and lists.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "name")]
[JsonDerivedType(typeof(NavigateAction), "navigate")]
[JsonDerivedType(typeof(DataExchangeAction), "data_exchange")]
[JsonDerivedType(typeof(CompleteAction), "complete")]
[JsonDerivedType(typeof(UpdateDataAction), "update_data")]
[JsonDerivedType(typeof(OpenUrlAction), "open_url")]
public abstract record FlowAction : FlowJsonObject
{
}

/// <summary>Go to another screen, passing it exactly the data its data model declares.</summary>
public sealed record NavigateAction : FlowAction
{
    /// <summary>The next screen (a screen id or a <see cref="Screen"/>).</summary>
    public required NextScreen Next { get; init; }

    /// <summary>The next screen's data, key by key.</summary>
    public Dictionary<string, object?>? Payload { get; init; }
}

/// <summary>Send the payload to the data endpoint (requires <c>data_api_version</c>).</summary>
public sealed record DataExchangeAction : FlowAction
{
    /// <summary>What the endpoint receives as <c>data</c>.</summary>
    public Dictionary<string, object?>? Payload { get; init; }
}

/// <summary>End the flow (only on the Footer of a terminal screen); the payload is the response.</summary>
public sealed record CompleteAction : FlowAction
{
    /// <summary>The flow response sent to the webhook.</summary>
    public Dictionary<string, object?>? Payload { get; init; }
}

/// <summary>Change the current screen's data (6.0+); keys must be in the screen's data model.</summary>
public sealed record UpdateDataAction : FlowAction
{
    /// <summary>The data keys to change and their new values.</summary>
    public Dictionary<string, object?>? Payload { get; init; }
}

/// <summary>Open a web address (6.0+, EmbeddedLink and OptIn only).</summary>
public sealed record OpenUrlAction : FlowAction
{
    /// <summary>The address.</summary>
    public required string Url { get; init; }
}

/// <summary>The <c>next</c> of a navigate action: <c>{"type":"screen","name":"…"}</c>.</summary>
/// <param name="Name">The screen id.</param>
public sealed record NextScreen(string Name) : FlowJsonObject
{
    /// <summary>Always <c>screen</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "screen";

    /// <summary>A screen id.</summary>
    public static implicit operator NextScreen(string screenId) => new(screenId);
}
