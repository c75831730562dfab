using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// Base of every object in the Flow JSON model. Properties the model does not know are kept in
/// <see cref="UnknownProperties"/> when parsing and written back (at the end of their object), so
/// nothing is dropped on a round trip; the validator reports them as <c>INVALID_PROPERTY_KEY</c>.
/// </summary>
public abstract record FlowJsonObject
{
    /// <summary>Properties this model does not know, as read.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownProperties { get; init; }
}
