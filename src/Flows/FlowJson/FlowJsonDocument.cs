using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// A Flow JSON document (versions 2.1 to 7.3): the screens of a WhatsApp Flow and, for flows
/// that use a data endpoint, the data API version and routing model.
/// Write it with <see cref="FlowJsonSerializer.Serialize(FlowJsonDocument, bool)"/>; check it with
/// the validator.
/// </summary>
public sealed record FlowJsonDocument : FlowJsonObject
{
    /// <summary>The Flow JSON version, e.g. <c>"7.3"</c>.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>The data API version (<c>"3.0"</c> or <c>"4.0"</c>); required when the flow uses an endpoint.</summary>
    [JsonPropertyName("data_api_version")]
    public string? DataApiVersion { get; init; }

    /// <summary>Forward routes between screens, <c>{"A": ["B"]}</c>; required with <see cref="DataApiVersion"/>.</summary>
    [JsonPropertyName("routing_model")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? RoutingModel { get; init; }

    /// <summary>The endpoint address, for Flow JSON older than 3.0 only.</summary>
    [JsonPropertyName("data_channel_uri")]
    public string? DataChannelUri { get; init; }

    /// <summary>The screens, the first one usually the entry screen.</summary>
    [JsonPropertyName("screens")]
    public required IReadOnlyList<Screen> Screens { get; init; }

}

/// <summary>One screen of a flow.</summary>
public sealed record Screen : FlowJsonObject
{
    /// <summary>The screen id: letters and underscores, not <c>SUCCESS</c>.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The title shown at the top of the screen.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The screen's data model, declared from example values (<see cref="ScreenData"/>).</summary>
    [JsonPropertyName("data")]
    [JsonConverter(typeof(ScreenDataListJsonConverter))]
    public IReadOnlyList<ScreenData>? Data { get; init; }

    /// <summary>Whether the flow can end on this screen (it then needs a Footer).</summary>
    [JsonPropertyName("terminal")]
    public bool? Terminal { get; init; }

    /// <summary>Whether ending here counts as success (terminal screens only; default true).</summary>
    [JsonPropertyName("success")]
    public bool? Success { get; init; }

    /// <summary>Whether going back to this screen asks the endpoint again (needs <c>data_api_version</c>).</summary>
    [JsonPropertyName("refresh_on_back")]
    public bool? RefreshOnBack { get; init; }

    /// <summary>Names of fields masked in the response summary (5.1+).</summary>
    [JsonPropertyName("sensitive")]
    public IReadOnlyList<string>? Sensitive { get; init; }

    /// <summary>The screen's components.</summary>
    [JsonPropertyName("layout")]
    public required Layout Layout { get; init; }


    /// <summary>The screen id, for <see cref="NavigateAction.Next"/>.</summary>
    public static implicit operator NextScreen(Screen screen) => new(screen.Id);
}

/// <summary>A screen layout; <c>SingleColumnLayout</c> is the only type Meta defines.</summary>
public sealed record Layout : FlowJsonObject
{
    /// <summary>The layout type.</summary>
    public string Type { get; init; } = "SingleColumnLayout";

    /// <summary>The components, top to bottom.</summary>
    public required IReadOnlyList<Component> Children { get; init; }

}
