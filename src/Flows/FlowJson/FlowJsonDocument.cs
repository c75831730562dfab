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
    /// <summary>The Flow JSON version a new flow gets when none is set: <c>"7.3"</c>, the newest, which Meta recommends.</summary>
    public const string DefaultVersion = "7.3";

    /// <summary>The data API version <see cref="WithEndpoint"/> sets when none is given: <c>"4.0"</c> (since Nov 2025).</summary>
    public const string DefaultDataApiVersion = "4.0";

    /// <summary>
    /// The Flow JSON version, e.g. <c>"7.3"</c>; <see cref="DefaultVersion"/> for a flow built without one.
    /// Reading still requires it: a document without <c>version</c> is not Flow JSON.
    /// </summary>
    [JsonPropertyName("version")]
    [JsonRequired]
    public string Version { get; init; } = DefaultVersion;

    /// <summary>The data API version (<c>"3.0"</c> or <c>"4.0"</c>); required when the flow uses an endpoint (see <see cref="WithEndpoint"/>).</summary>
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

    /// <summary>
    /// This flow as an endpoint flow: the given routing model and a data API version
    /// (<see cref="DefaultDataApiVersion"/> unless one is given or already set).
    /// </summary>
    /// <param name="routingModel">Forward routes between screens.</param>
    /// <param name="dataApiVersion">The data API version; null keeps the flow's own or takes the default.</param>
    public FlowJsonDocument WithEndpoint(IReadOnlyDictionary<string, IReadOnlyList<string>> routingModel, string? dataApiVersion = null) =>
        this with { RoutingModel = routingModel, DataApiVersion = dataApiVersion ?? DataApiVersion ?? DefaultDataApiVersion };
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
