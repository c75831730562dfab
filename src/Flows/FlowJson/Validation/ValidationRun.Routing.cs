using System.Text.Json;

namespace Backend.Flows.FlowJson.Validation;

internal sealed partial class ValidationRun
{
    private const string RoutingPointer = "/routing_model";

    /// <summary>
    /// The ten routing-model rules of Meta's Flow JSON reference (https://developers.facebook.com/docs/whatsapp/flows/reference/flowjson#routing-model); without a routing model, the graph of
    /// navigate actions must still have an entry screen, be connected and branch at most 10 ways.
    /// </summary>
    private void CheckRouting()
    {
        var screenIds = _screens.Where(s => s.Id.Length > 0).Select(s => s.Id).Distinct().ToList();
        if (!root.TryGetProperty("routing_model", out var model))
        {
            var derived = screenIds.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
            foreach (var (from, to, _, _) in _navigations)
            {
                if (derived.TryGetValue(from.Id, out var targets) && !targets.Contains(to))
                {
                    targets.Add(to);
                }
            }
            CheckGraphShape(derived, screenIds, id => _screensById[id].Pointer, "/screens");
            return;
        }
        if (model.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "'routing_model' must be an object of screen id to screen ids.", RoutingPointer);
            return;
        }

        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var edgePointers = new Dictionary<(string, string), string>();
        var edgeOrder = new Dictionary<(string, string), int>();
        foreach (var route in model.EnumerateObject())
        {
            var keyPointer = JsonPointer.Append(RoutingPointer, route.Name);
            if (!_screensById.ContainsKey(route.Name))
            {
                Error(FlowErrorCodes.InvalidRoutingModel, $"Invalid screen '{route.Name}' in the routing model: there is no such screen.", keyPointer);
                continue;
            }
            if (route.Value.ValueKind != JsonValueKind.Array)
            {
                Error(FlowErrorCodes.InvalidPropertyType, "Routes must be an array of screen ids.", keyPointer);
                continue;
            }
            var targets = edges[route.Name] = [];
            var index = 0;
            foreach (var target in route.Value.EnumerateArray())
            {
                var targetPointer = JsonPointer.Append(keyPointer, index++);
                var targetId = target.ValueKind == JsonValueKind.String ? target.GetString()! : target.ToString();
                if (!_screensById.ContainsKey(targetId))
                {
                    Error(FlowErrorCodes.InvalidRoutingModel, $"Invalid screen '{targetId}' in the routes of '{route.Name}': there is no such screen.", targetPointer);
                }
                else if (targetId == route.Name)
                {
                    Error(FlowErrorCodes.InvalidRoutingModel, $"Screen '{route.Name}' cannot route to itself.", targetPointer);
                }
                else if (!targets.Contains(targetId))
                {
                    targets.Add(targetId);
                    edgePointers[(route.Name, targetId)] = targetPointer;
                    edgeOrder[(route.Name, targetId)] = edgeOrder.Count;
                }
            }
        }

        // Rule 1. A single-screen flow may leave the model empty ({}), as Meta's and PyWa's examples do.
        var missing = screenIds.Where(id => !edges.ContainsKey(id) && !model.TryGetProperty(id, out _)).ToList();
        if (missing.Count > 0 && !(screenIds.Count == 1 && !model.EnumerateObject().Any()))
        {
            Error(FlowErrorCodes.InvalidRoutingModel, $"Missing screens in the routing model: {string.Join(", ", missing)}.", RoutingPointer);
        }

        // Rule 4: only forward routes; BACK is implicit. Of a pair, the one listed later is the backward one.
        var backward = new HashSet<(string, string)>();
        foreach (var (from, to) in edgePointers.Keys)
        {
            if (edgePointers.ContainsKey((to, from)) && !backward.Contains((to, from)))
            {
                backward.Add((from, to));
                var reported = edgeOrder[(to, from)] > edgeOrder[(from, to)] ? (to, from) : (from, to);
                Error(FlowErrorCodes.InvalidRoutingModel,
                    $"Backward route from '{reported.Item1}' to '{reported.Item2}': the routing model lists only forward routes (BACK is implicit).",
                    edgePointers[reported]);
            }
        }

        // Rule 5: no loops (other than the two-screen ones rule 4 already reported).
        var forward = edges.ToDictionary(e => e.Key, e => e.Value.Where(t => !backward.Contains((e.Key, t)) && !backward.Contains((t, e.Key))).ToList(), StringComparer.Ordinal);
        if (FindLoop(forward) is { } loop)
        {
            Error(FlowErrorCodes.InvalidRoutingModel, $"Loop detected in the routing model: {string.Join(" -> ", loop)}.", JsonPointer.Append(RoutingPointer, loop[0]));
        }

        foreach (var id in screenIds)
        {
            edges.TryAdd(id, []);
        }
        CheckGraphShape(edges, screenIds, id => JsonPointer.Append(RoutingPointer, id), RoutingPointer);

        // Rule 9: every navigate action needs its edge.
        foreach (var (from, to, pointer, _) in _navigations)
        {
            if (!edges.TryGetValue(from.Id, out var targets) || !targets.Contains(to))
            {
                Error(FlowErrorCodes.InvalidRoutingModel,
                    $"Missing direct route from screen '{from.Id}' to screen '{to}' in the routing model, while it exists in the navigate screen action of screen '{from.Id}'.",
                    pointer);
            }
        }

        // Rule 10: every route ends at a terminal screen. Meta's own examples open a side page (terms,
        // details) from an EmbeddedLink or an OptIn's "read more" and leave it with Back; such a page, reached
        // only through links, gets a warning rather than an error (docs/flow-json.md).
        foreach (var id in screenIds.Where(id => edges[id].Count == 0 && !_screensById[id].Terminal))
        {
            var pointer = JsonPointer.Append(RoutingPointer, id);
            if (ReachedOnlyThroughLinks(id, edges))
            {
                Warning(FlowErrorCodes.InvalidRoutingModel,
                    $"The route ends at screen '{id}', which is not terminal; it is reached only through links and left with Back, as in Meta's own examples.", pointer);
            }
            else
            {
                Error(FlowErrorCodes.InvalidRoutingModel, $"The route ends at screen '{id}', which is not terminal.", pointer);
            }
        }
    }

    /// <summary>Every edge into the screen comes from screens that navigate there only from links.</summary>
    private bool ReachedOnlyThroughLinks(string id, Dictionary<string, List<string>> edges)
    {
        var sources = edges.Where(e => e.Value.Contains(id)).Select(e => e.Key).ToList();
        return sources.Count > 0 && sources.All(from =>
        {
            var navigations = _navigations.Where(n => n.From.Id == from && n.To == id).ToList();
            return navigations.Count > 0 && navigations.All(n => n.ByLink);
        });
    }

    /// <summary>Rules 6 (entry screen), 7 (connected) and 8 (at most 10 branches).</summary>
    private void CheckGraphShape(Dictionary<string, List<string>> edges, List<string> screenIds, Func<string, string> pointerOf, string graphPointer)
    {
        foreach (var (from, targets) in edges.Where(e => e.Value.Count > 10))
        {
            Error(FlowErrorCodes.InvalidRoutingModel, $"Screen '{from}' has {targets.Count} branches; at most 10 are allowed.", pointerOf(from));
        }
        if (screenIds.Count < 2)
        {
            return;
        }
        var inbound = edges.Values.SelectMany(t => t).ToHashSet(StringComparer.Ordinal);
        if (screenIds.All(inbound.Contains))
        {
            Error(FlowErrorCodes.InvalidRoutingModel, "No entry screen: every screen has an inbound route.", graphPointer);
        }

        // Weakly connected: walk edges both ways from the first screen.
        var neighbours = screenIds.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (from, targets) in edges)
        {
            foreach (var to in targets.Where(neighbours.ContainsKey))
            {
                neighbours[from].Add(to);
                neighbours[to].Add(from);
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal) { screenIds[0] };
        var queue = new Queue<string>([screenIds[0]]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var next in neighbours[current].Where(seen.Add))
            {
                queue.Enqueue(next);
            }
        }
        foreach (var id in screenIds.Where(id => !seen.Contains(id)))
        {
            Error(FlowErrorCodes.InvalidRoutingModel, $"Screen '{id}' is not connected to the rest of the flow.", pointerOf(id));
        }
    }

    private static List<string>? FindLoop(Dictionary<string, List<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        foreach (var start in edges.Keys)
        {
            if (Visit(start) is { } loop)
            {
                return loop;
            }
        }
        return null;

        List<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out var s))
            {
                return s == 1 ? [.. path.Skip(path.IndexOf(node)), node] : null;
            }
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } loop)
                {
                    return loop;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }
}
