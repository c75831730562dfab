using Backend.Flows.Routing;
using Microsoft.Extensions.Logging;

namespace Backend.Grains.Dashboard;

/// <summary>
/// Sums the nodes' reports (<see cref="IFlowStatsGrain"/>). Held in memory only: should its silo go, the next
/// report of every live node restores the totals (reports are cumulative); the per-second and per-minute series
/// start again from then.
/// </summary>
[GrainType("flow-stats")]
public sealed partial class FlowStatsGrain(TimeProvider time, FlowRegistry catalog, ILogger<FlowStatsGrain> logger) : Grain, IFlowStatsGrain
{
    /// <summary>Everything together, in <see cref="DashboardOverview.Flows"/>.</summary>
    public const string AllFlows = "*";

    private const int MaxAlerts = 100;
    private const int MaxSessions = 50;
    private static readonly TimeSpan StaleNode = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FlowSeries> _series = new(StringComparer.Ordinal);
    private readonly LinkedList<FlowAlert> _alerts = new();
    private readonly Dictionary<string, RecentSession> _sessions = new(StringComparer.Ordinal);

    public Task Report(NodeStatsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        _nodes.TryGetValue(report.NodeId, out var node);
        if (node is not null && node.StartedAt == report.StartedAt && report.Sequence <= node.Sequence)
        {
            return Task.CompletedTask;
        }
        if (node is null || node.StartedAt != report.StartedAt)
        {
            LogNodeJoined(logger, report.NodeId, report.Kind);
            // A node seen for the first time long after it started (this grain was re-activated): its counts are
            // a baseline, not traffic of the last second.
            var baseline = now - report.StartedAt > TimeSpan.FromSeconds(10);
            node = new NodeState(report.Kind, report.StartedAt, baseline ? report.Flows : []);
            _nodes[report.NodeId] = node;
        }
        long requests = 0, steps = 0;
        foreach (var flow in report.Flows)
        {
            var previous = node.Flows.GetValueOrDefault(flow.Flow);
            var series = Series(flow.Flow);
            var (flowRequests, flowSteps) = series.Add(now, previous, flow);
            requests += flowRequests;
            steps += flowSteps;
        }
        var seconds = node.Sequence == 0 ? 0 : (now - node.LastReport).TotalSeconds;
        node.RequestsPerSecond = seconds > 0 ? requests / seconds : 0;
        node.StepsPerSecond = seconds > 0 ? steps / seconds : 0;
        node.Flows = report.Flows.ToDictionary(f => f.Flow, StringComparer.Ordinal);
        node.Sequence = report.Sequence;
        node.LastReport = now;

        foreach (var alert in report.Alerts)
        {
            _alerts.AddFirst(alert);
            if (_alerts.Count > MaxAlerts)
            {
                _alerts.RemoveLast();
            }
        }
        foreach (var session in report.Sessions)
        {
            if (!_sessions.TryGetValue(session.SessionKey, out var known) || known.At <= session.At)
            {
                _sessions[session.SessionKey] = session;
            }
        }
        if (_sessions.Count > MaxSessions * 2)
        {
            foreach (var old in _sessions.Values.OrderByDescending(s => s.At).Skip(MaxSessions).ToList())
            {
                _sessions.Remove(old.SessionKey);
            }
        }
        return Task.CompletedTask;
    }

    public async Task<DashboardOverview> Overview()
    {
        var now = time.GetUtcNow();
        var totals = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var node in _nodes.Values)
        {
            foreach (var flow in node.Flows.Values)
            {
                Sum(totals, flow.Flow, flow.Counters);
                Sum(totals, AllFlows, flow.Counters);
            }
        }
        var all = new FlowSeries();
        foreach (var series in _series.Values)
        {
            all.Merge(series);
        }
        var flows = totals.Keys.Order(StringComparer.Ordinal)
            .Select(name => Overview(name, totals[name], name == AllFlows ? all : Series(name), now))
            .ToArray();
        if (flows.Length == 0)
        {
            flows = [Overview(AllFlows, [], all, now)];
        }
        var activations = await ActivationsAsync();
        var nodes = _nodes
            .Where(n => now - n.Value.LastReport < StaleNode)
            .Select(n => new NodeOverview(n.Key, n.Value.Kind, n.Value.RequestsPerSecond, n.Value.StepsPerSecond,
                activations.TryGetValue(n.Key, out var count) ? count : null, n.Value.LastReport))
            .OrderBy(n => n.Kind, StringComparer.Ordinal).ThenBy(n => n.Node, StringComparer.Ordinal)
            .ToArray();
        var sessions = _sessions.Values.OrderByDescending(s => s.At).Take(MaxSessions).ToArray();
        return new DashboardOverview(now, flows, nodes, [.. _alerts], sessions);
    }

    private FlowOverview Overview(string flow, Dictionary<string, long> counts, FlowSeries series, DateTimeOffset now)
    {
        long Count(string name) => counts.GetValueOrDefault(name);
        var issued = Count(FlowCounterNames.Issued);
        var opened = Count(FlowCounterNames.Opened);
        var completed = Count(FlowCounterNames.Completed);
        var started = issued > 0 ? issued : opened;
        var funnel = counts
            .Where(c => c.Key.StartsWith(FlowCounterNames.ReachedPrefix, StringComparison.Ordinal) || c.Key.StartsWith(FlowCounterNames.AtPrefix, StringComparison.Ordinal))
            .Select(c => c.Key[(c.Key.IndexOf(':', StringComparison.Ordinal) + 1)..])
            .Distinct(StringComparer.Ordinal)
            .Select(screen => new ScreenFunnel(screen, Count(FlowCounterNames.ReachedPrefix + screen), Count(FlowCounterNames.AtPrefix + screen)))
            .OrderBy(s => ScreenOrder(flow, s.Screen)).ThenByDescending(s => s.Reached).ThenBy(s => s.Screen, StringComparer.Ordinal)
            .ToArray();
        var statuses = new[] { FlowCounterNames.Status2xx, FlowCounterNames.Status421, FlowCounterNames.Status427, FlowCounterNames.Status432, FlowCounterNames.Status4xx, FlowCounterNames.Status5xx }
            .ToDictionary(name => name["status:".Length..], Count, StringComparer.Ordinal);
        var errors = counts.Where(c => c.Key.StartsWith(FlowCounterNames.ErrorKeyPrefix, StringComparison.Ordinal))
            .ToDictionary(c => c.Key[FlowCounterNames.ErrorKeyPrefix.Length..], c => c.Value, StringComparer.Ordinal);
        return new FlowOverview(
            flow, issued, opened, completed, Count(FlowCounterNames.Expired), Count(FlowCounterNames.Invalidated),
            Count(FlowCounterNames.Active), started > 0 ? (double)completed / started : 0, funnel,
            series.StepsPerSecond(now, 5), series.StepsPerSecondByMinute(now), [series.Window(now, 5), series.Window(now, 30)],
            statuses, errors, Count(FlowCounterNames.Steps));
    }

    // A funnel reads in the flow's own screen order (all flows together: the first flow declaring the screen's); others come after.
    private int ScreenOrder(string flow, string screen)
    {
        foreach (var name in flow == AllFlows ? catalog.Names : [flow])
        {
            var screens = catalog.Find(name)?.FlowJson.Screens ?? [];
            for (var i = 0; i < screens.Count; i++)
            {
                if (screens[i].Id == screen)
                {
                    return i;
                }
            }
        }
        return int.MaxValue;
    }

    private async Task<Dictionary<string, int>> ActivationsAsync()
    {
        try
        {
            var management = GrainFactory.GetGrain<IManagementGrain>(0);
            var hosts = await management.GetHosts(onlyActive: true);
            var silos = hosts.Keys.ToArray();
            var statistics = await management.GetRuntimeStatistics(silos);
            return silos.Zip(statistics).ToDictionary(s => s.First.ToString(), s => s.Second.ActivationCount, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogNoActivations(logger, ex.GetType().Name);
            return [];
        }
    }

    private FlowSeries Series(string flow)
    {
        if (!_series.TryGetValue(flow, out var series))
        {
            _series[flow] = series = new FlowSeries();
        }
        return series;
    }

    private static void Sum(Dictionary<string, Dictionary<string, long>> totals, string flow, Dictionary<string, long> counts)
    {
        if (!totals.TryGetValue(flow, out var sum))
        {
            totals[flow] = sum = new Dictionary<string, long>(StringComparer.Ordinal);
        }
        foreach (var (name, value) in counts)
        {
            sum[name] = sum.GetValueOrDefault(name) + value;
        }
    }

    private sealed class NodeState(string kind, DateTimeOffset startedAt, FlowCounterSnapshot[] baseline)
    {
        public string Kind { get; } = kind;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public long Sequence { get; set; }

        public DateTimeOffset LastReport { get; set; }

        public double RequestsPerSecond { get; set; }

        public double StepsPerSecond { get; set; }

        public Dictionary<string, FlowCounterSnapshot> Flows { get; set; } = baseline.ToDictionary(f => f.Flow, StringComparer.Ordinal);
    }

    [LoggerMessage(200, LogLevel.Information, "Dashboard: node {Node} ({Kind}) reports")]
    private static partial void LogNodeJoined(ILogger logger, string node, string kind);

    [LoggerMessage(201, LogLevel.Debug, "Dashboard: activation counts unavailable ({ExceptionType})")]
    private static partial void LogNoActivations(ILogger logger, string exceptionType);
}
