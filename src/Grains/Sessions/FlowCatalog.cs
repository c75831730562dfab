using Backend.Flows.Routing;

namespace Backend.Grains.Sessions;

/// <summary>The flow definitions this deployment serves, by name.</summary>
public sealed class FlowCatalog
{
    private readonly Dictionary<string, FlowDefinition> _flows;

    /// <summary>Indexes the registered definitions; two with one name are a configuration error.</summary>
    public FlowCatalog(IEnumerable<FlowDefinition> definitions)
    {
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
