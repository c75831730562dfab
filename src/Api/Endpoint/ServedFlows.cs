using System.Collections.Frozen;
using Backend.Flows.Routing;
using Microsoft.Extensions.Options;

namespace Backend.Api.Endpoint;

/// <summary>The flow names <c>POST /flows/{name}</c> answers: every registered flow definition, plus <c>FlowEndpoint:Flows</c>.</summary>
internal sealed class ServedFlows(IOptions<FlowEndpointOptions> options, IEnumerable<FlowDefinition> definitions)
{
    private readonly FrozenSet<string> _names =
        definitions.Select(d => d.Name).Concat(options.Value.Flows).ToFrozenSet(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _names;

    public bool Contains(string name) => _names.Contains(name);
}
