namespace Backend.Flows.Routing;

/// <summary>
/// The flow definitions a host serves, by name: every <see cref="FlowDefinition"/> registered with
/// <see cref="FlowServiceCollectionExtensions.AddFlow{TFlow}"/>. The data endpoint, the sessions and the admin API
/// find a flow's handlers and Flow JSON here.
/// </summary>
public sealed class FlowRegistry
{
    private readonly Dictionary<string, FlowDefinition> _flows;

    /// <summary>Indexes the registered definitions; two with one name are a configuration error.</summary>
    public FlowRegistry(IEnumerable<FlowDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        _flows = new(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            if (!_flows.TryAdd(definition.Name, definition))
            {
                throw new InvalidOperationException($"Two flow definitions are named '{definition.Name}'.");
            }
        }
    }

    /// <summary>The names of all flows.</summary>
    public IEnumerable<string> Names => _flows.Keys;

    /// <summary>The flow named <paramref name="name"/>, if any.</summary>
    public FlowDefinition? Find(string name) => _flows.GetValueOrDefault(name);
}
