using Backend.Flows.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Backend.Grains.Dashboard;

/// <summary>
/// Sums the nodes' reports (<see cref="IFlowStatsGrain"/>) and saves the totals and per-minute series in grain
/// storage (<see cref="FlowStatsState"/>) every <see cref="FlowDashboardOptions.SaveInterval"/> when they changed,
/// and when it deactivates; reads them back on activation. The totals are the counts of retired nodes plus each
/// known node's latest cumulative report: a node that reports again after the grain moved replaces its saved
/// counts (nothing is counted twice), and the nodes of a restarted cluster add to what the old ones left. A node
/// silent for <see cref="RetireAfter"/> (counted from its last report, or from the restore) is retired: its counts
/// join the retired ones and it is forgotten.
/// </summary>
[GrainType(GrainTypeNames.FlowStats)]
public sealed partial class FlowStatsGrain(
    [PersistentState("stats")] IPersistentState<FlowStatsState> state,
    IOptions<FlowDashboardOptions> options,
    TimeProvider time,
    FlowRegistry catalog,
    ILogger<FlowStatsGrain> logger) : Grain, IFlowStatsGrain
{
    /// <summary>Everything together, in <see cref="DashboardOverview.Flows"/>.</summary>
    public const string AllFlows = "*";

    /// <summary>How long a node may stay silent before its counts are folded into the retired ones.</summary>
    public static readonly TimeSpan RetireAfter = TimeSpan.FromHours(1);

    private const int MaxAlerts = 100;
    private const int MaxSessions = 50;
    private static readonly TimeSpan StaleNode = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long>> _retired = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<long, (long Sent, long Open)>> _retiredPending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FlowSeries> _series = new(StringComparer.Ordinal);
    private readonly LinkedList<FlowAlert> _alerts = new();
    private readonly Dictionary<string, RecentSession> _sessions = new(StringComparer.Ordinal);
    private bool _changed;
    private bool _saveFailing;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            Restore(state.State, time.GetUtcNow());
        }
        var interval = options.Value.SaveInterval;
        this.RegisterGrainTimer(_ => SaveAsync(), interval, interval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Moving or shutting down: keep what came since the last save (a crash loses it, at most one interval).
        await SaveAsync();
    }

    public Task Report(NodeStatsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        _nodes.TryGetValue(report.NodeId, out var node);
        if (node is not null && node.StartedAt == report.StartedAt && report.Sequence <= node.Sequence)
        {
            return Task.CompletedTask;
        }
        // Reports come every second whatever the traffic: only a change of counts (or an alert) needs a save.
        _changed |= node is null || node.StartedAt != report.StartedAt || report.Alerts.Length > 0 || Changed(node.Flows, report.Flows);
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
            // A node restored from storage: its saved counts have no latency, and its traffic since is not of the last second.
            var previous = node.Restored ? flow : node.Flows.GetValueOrDefault(flow.Flow);
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
        node.Seen = now;
        node.Restored = false;

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
        var ended = PendingDeadlines.EndedBelow(now);
        foreach (var (flow, counts) in _retired)
        {
            Sum(totals, flow, counts);
            Sum(totals, AllFlows, counts);
        }
        foreach (var (flow, pending) in _retiredPending)
        {
            Lapse(totals, flow, pending.Select(p => new PendingDeadlines(p.Key, p.Value.Sent, p.Value.Open)), ended);
        }
        foreach (var node in _nodes.Values)
        {
            foreach (var flow in node.Flows.Values)
            {
                Sum(totals, flow.Flow, flow.Counters);
                Sum(totals, AllFlows, flow.Counters);
                // Deadlines the node had not folded at its last report (it folds them itself, unless it stopped reporting).
                Lapse(totals, flow.Flow, flow.Pending ?? [], ended);
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

    /// <summary>Retires silent nodes and writes the state, when anything changed since the last write.</summary>
    private async Task SaveAsync()
    {
        var now = time.GetUtcNow();
        foreach (var (id, node) in _nodes.Where(n => now - n.Value.Seen > RetireAfter).ToList())
        {
            foreach (var flow in node.Flows.Values)
            {
                Sum(_retired, flow.Flow, flow.Counters);
                foreach (var hour in flow.Pending ?? [])
                {
                    if (!_retiredPending.TryGetValue(flow.Flow, out var pending))
                    {
                        _retiredPending[flow.Flow] = pending = [];
                    }
                    var (sent, open) = pending.GetValueOrDefault(hour.Hour);
                    pending[hour.Hour] = (sent + hour.Sent, open + hour.Open);
                }
            }
            _nodes.Remove(id);
            _changed = true;
            LogNodeRetired(logger, id);
        }
        // The retired nodes' deadlines whose hour has ended join their counts, so only future hours are kept.
        var ended = PendingDeadlines.EndedBelow(now);
        foreach (var (flow, pending) in _retiredPending.ToList())
        {
            foreach (var (hour, (sent, open)) in pending.Where(p => p.Key < ended).ToList())
            {
                Sum(_retired, flow, new Dictionary<string, long>(StringComparer.Ordinal) { [FlowCounterNames.Expired] = sent + open, [FlowCounterNames.Active] = -open });
                pending.Remove(hour);
                _changed = true;
            }
            if (pending.Count == 0)
            {
                _retiredPending.Remove(flow);
            }
        }
        if (!_changed)
        {
            return;
        }
        state.State = new FlowStatsState
        {
            Retired = _retired.ToDictionary(r => r.Key, r => new Dictionary<string, long>(r.Value, StringComparer.Ordinal), StringComparer.Ordinal),
            Nodes = [.. _nodes.Select(n => new StoredNode
            {
                Node = n.Key, Kind = n.Value.Kind, StartedAt = n.Value.StartedAt, Sequence = n.Value.Sequence, LastReport = n.Value.LastReport,
                Flows = n.Value.Flows.Values.ToDictionary(f => f.Flow, f => new Dictionary<string, long>(f.Counters, StringComparer.Ordinal), StringComparer.Ordinal),
                Pending = n.Value.Flows.Values.Where(f => f.Pending is { Length: > 0 }).ToDictionary(f => f.Flow, f => f.Pending!, StringComparer.Ordinal),
            })],
            RetiredPending = _retiredPending.ToDictionary(
                r => r.Key, r => r.Value.OrderBy(p => p.Key).Select(p => new PendingDeadlines(p.Key, p.Value.Sent, p.Value.Open)).ToArray(), StringComparer.Ordinal),
            Series = [.. _series.Select(s => new StoredSeries { Flow = s.Key, Minutes = s.Value.Save(now) }).Where(s => s.Minutes.Count > 0)],
            Alerts = [.. _alerts],
            SavedAt = now,
        };
        try
        {
            await state.WriteStateAsync();
            _changed = false;
            if (_saveFailing)
            {
                _saveFailing = false;
                LogSaved(logger);
            }
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote (a cluster healing from a partition): this one steps aside, the next call reads its state.
            LogSaveConflict(logger);
            DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be down: keep counting in memory and try again at the next interval.
            if (!_saveFailing)
            {
                _saveFailing = true;
                LogSaveFailed(logger, ex.GetType().Name);
            }
        }
    }

    private static bool Changed(Dictionary<string, FlowCounterSnapshot> before, FlowCounterSnapshot[] after) =>
        before.Count != after.Length || after.Any(flow => !before.TryGetValue(flow.Flow, out var known) || known.Counters.Count != flow.Counters.Count
            || flow.Counters.Any(c => !known.Counters.TryGetValue(c.Key, out var value) || value != c.Value));

    private void Restore(FlowStatsState saved, DateTimeOffset now)
    {
        foreach (var (flow, counts) in saved.Retired)
        {
            Sum(_retired, flow, counts);
        }
        foreach (var (flow, pending) in saved.RetiredPending)
        {
            _retiredPending[flow] = pending.ToDictionary(p => p.Hour, p => (p.Sent, p.Open));
        }
        foreach (var node in saved.Nodes)
        {
            _nodes[node.Node] = new NodeState(node.Kind, node.StartedAt,
                [.. node.Flows.Select(f => new FlowCounterSnapshot(f.Key, f.Value, [], node.Pending.GetValueOrDefault(f.Key)))])
            {
                Sequence = node.Sequence,
                LastReport = node.LastReport,
                // Saved only when counts change, so its last report may be old: it has an hour from now to report again.
                Seen = now,
                Restored = true,
            };
        }
        foreach (var series in saved.Series)
        {
            Series(series.Flow).Restore(series.Minutes);
        }
        foreach (var alert in saved.Alerts.Take(MaxAlerts))
        {
            _alerts.AddLast(alert);
        }
        LogRestored(logger, saved.Nodes.Count, saved.SavedAt);
    }

    private FlowSeries Series(string flow)
    {
        if (!_series.TryGetValue(flow, out var series))
        {
            _series[flow] = series = new FlowSeries();
        }
        return series;
    }

    /// <summary>Adds the waiting deadlines of hours below <paramref name="ended"/> to expired, and takes the open ones out of the open sessions.</summary>
    private static void Lapse(Dictionary<string, Dictionary<string, long>> totals, string flow, IEnumerable<PendingDeadlines> pending, long ended)
    {
        long expired = 0, open = 0;
        foreach (var hour in pending.Where(p => p.Hour < ended))
        {
            expired += hour.Sent + hour.Open;
            open += hour.Open;
        }
        if (expired != 0 || open != 0)
        {
            Dictionary<string, long> lapsed = new(StringComparer.Ordinal) { [FlowCounterNames.Expired] = expired, [FlowCounterNames.Active] = -open };
            Sum(totals, flow, lapsed);
            Sum(totals, AllFlows, lapsed);
        }
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

        /// <summary>When it last reported or was read from storage: it is retired <see cref="RetireAfter"/> after.</summary>
        public DateTimeOffset Seen { get; set; }

        /// <summary>Read from storage and not heard from since.</summary>
        public bool Restored { get; set; }

        public DateTimeOffset LastReport { get; set; }

        public double RequestsPerSecond { get; set; }

        public double StepsPerSecond { get; set; }

        public Dictionary<string, FlowCounterSnapshot> Flows { get; set; } = baseline.ToDictionary(f => f.Flow, StringComparer.Ordinal);
    }

    [LoggerMessage(200, LogLevel.Information, "Dashboard: node {Node} ({Kind}) reports")]
    private static partial void LogNodeJoined(ILogger logger, string node, string kind);

    [LoggerMessage(201, LogLevel.Debug, "Dashboard: activation counts unavailable ({ExceptionType})")]
    private static partial void LogNoActivations(ILogger logger, string exceptionType);

    [LoggerMessage(202, LogLevel.Information, "Dashboard: totals restored from storage ({Nodes} nodes, saved at {SavedAt:o})")]
    private static partial void LogRestored(ILogger logger, int nodes, DateTimeOffset savedAt);

    [LoggerMessage(203, LogLevel.Information, "Dashboard: node {Node} silent for an hour, its counts retired")]
    private static partial void LogNodeRetired(ILogger logger, string node);

    [LoggerMessage(204, LogLevel.Warning, "Dashboard: the totals could not be saved ({ExceptionType}); retrying at the next interval")]
    private static partial void LogSaveFailed(ILogger logger, string exceptionType);

    [LoggerMessage(205, LogLevel.Information, "Dashboard: the totals are saved again")]
    private static partial void LogSaved(ILogger logger);

    [LoggerMessage(206, LogLevel.Warning, "Dashboard: another activation saved the totals; this one deactivates")]
    private static partial void LogSaveConflict(ILogger logger);
}
