using Backend.Flows.FlowJson;

namespace Backend.Flows.Routing;

/// <summary>
/// A flow as the business defines it: its name (the endpoint route <c>/flows/{name}</c>), its Flow JSON, the
/// fields that must never be stored or logged, and its handlers. Subclasses add routes in <see cref="Configure"/>.
/// </summary>
public abstract class FlowDefinition
{
    private readonly Lazy<FlowRouter> _router;
    private readonly Lazy<IReadOnlySet<string>> _sensitive;

    /// <summary>Builds the router and the sensitive-field set on first use.</summary>
    protected FlowDefinition()
    {
        _router = new(() =>
        {
            var router = new FlowRouter();
            Configure(router);
            return router;
        });
        _sensitive = new(() => new HashSet<string>(
            FlowJson.Screens.SelectMany(s => (s.Sensitive ?? []).Concat(MediaFields(s.Layout.Children))).Concat(AdditionalSensitiveFields),
            StringComparer.Ordinal));
    }

    /// <summary>The flow's name: its endpoint route and the name sessions are issued for.</summary>
    public abstract string Name { get; }

    /// <summary>The Flow JSON to upload to Meta.</summary>
    public abstract FlowJsonDocument FlowJson { get; }

    /// <summary>
    /// Field names never stored in sessions or logged: every screen's <c>sensitive</c> list, every PhotoPicker and
    /// DocumentPicker (their values hold the file's decryption keys), plus
    /// <see cref="AdditionalSensitiveFields"/> (for versions before 5.1, which have no <c>sensitive</c>).
    /// </summary>
    public IReadOnlySet<string> SensitiveFields => _sensitive.Value;

    // A picker's value carries the keys that decrypt the user's file on Meta's CDN: never kept, declared or not.
    private static IEnumerable<string> MediaFields(IEnumerable<Component> components) => components.SelectMany(c => c switch
    {
        PhotoPicker or DocumentPicker => [((InputComponent)c).Name],
        Form form => MediaFields(form.Children),
        If branch => MediaFields(branch.Then.Concat(branch.Else ?? [])),
        Switch choice => MediaFields(choice.Cases.Values.SelectMany(v => v)),
        _ => [],
    });

    /// <summary>Sensitive fields the Flow JSON does not declare.</summary>
    protected virtual IEnumerable<string> AdditionalSensitiveFields => [];

    /// <summary>The handlers.</summary>
    public FlowRouter Router => _router.Value;

    /// <summary>Adds the flow's routes.</summary>
    protected abstract void Configure(FlowRouter router);
}
