namespace Backend.Grains.Dashboard;

/// <summary>
/// The cluster's dashboard figures. Every node (Api node or silo) counts locally and reports its cumulative counts
/// every second or two (<see cref="NodeStatsReport"/>); this grain keeps each node's latest report, sums them and
/// turns the differences between a node's reports into per-second and per-minute series. One call per node per
/// interval, whatever the traffic: no step goes through it. Key: <see cref="Key"/>.
/// </summary>
[Alias("flow-stats")]
public interface IFlowStatsGrain : IGrainWithIntegerKey
{
    /// <summary>The only instance's key.</summary>
    public const long Key = 0;

    /// <summary>Takes a node's report. A report older than the node's last one is ignored (a late retry).</summary>
    [Alias("report")]
    Task Report(NodeStatsReport report);

    /// <summary>The dashboard's figures now.</summary>
    [Alias("overview")]
    Task<DashboardOverview> Overview();
}

/// <summary>
/// One node's counts since it started (cumulative, so a lost or repeated report corrupts nothing) and what it saw
/// since its last report (alerts, touched sessions).
/// </summary>
[GenerateSerializer, Immutable, Alias("node-stats-report")]
public sealed record NodeStatsReport(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string Kind,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] long Sequence,
    [property: Id(4)] FlowCounterSnapshot[] Flows,
    [property: Id(5)] FlowAlert[] Alerts,
    [property: Id(6)] RecentSession[] Sessions);

/// <summary>A node's cumulative counts for one flow.</summary>
/// <param name="Flow">The flow's name.</param>
/// <param name="Counters">Named counts (<see cref="FlowCounterNames"/>); gauges (active, at:screen) may be negative on one node.</param>
/// <param name="Latency">The endpoint's latency histogram (<see cref="LatencyHistogram"/>), empty on a silo.</param>
/// <param name="Pending">
/// The deadlines of sessions waiting on this node (not yet folded into its counts), by hour: the aggregator folds
/// those whose hour has passed itself, so they still lapse when the node dies or stops reporting.
/// </param>
[GenerateSerializer, Immutable, Alias("flow-counter-snapshot")]
public sealed record FlowCounterSnapshot(
    [property: Id(0)] string Flow, [property: Id(1)] Dictionary<string, long> Counters, [property: Id(2)] long[] Latency,
    [property: Id(3)] PendingDeadlines[]? Pending = null);

/// <summary>
/// Sessions of a flow waiting on one node for a deadline within the hour <paramref name="Hour"/> (hours since the
/// Unix epoch): issued-only and open. Either may be negative on one node (a session issued through another node
/// and closed through this one); they are right once summed.
/// </summary>
[GenerateSerializer, Immutable, Alias("pending-deadlines")]
public sealed record PendingDeadlines([property: Id(0)] long Hour, [property: Id(1)] long Sent, [property: Id(2)] long Open)
{
    /// <summary>The width of <see cref="Hour"/>.</summary>
    public static readonly TimeSpan Width = TimeSpan.FromHours(1);

    /// <summary>The hours that have ended at <paramref name="now"/> are those below this one.</summary>
    public static long EndedBelow(DateTimeOffset now) => now.UtcTicks / Width.Ticks;
}

/// <summary>The names of the counts in a <see cref="FlowCounterSnapshot"/>.</summary>
public static class FlowCounterNames
{
    public const string Issued = "issued";
    public const string Opened = "opened";
    public const string Completed = "completed";
    public const string Expired = "expired";
    public const string Invalidated = "invalidated";
    public const string Active = "active";
    public const string Steps = "steps";
    public const string Requests = "requests";
    public const string Errors = "errors";
    public const string Status2xx = "status:2xx";
    public const string Status421 = "status:421";
    public const string Status427 = "status:427";
    public const string Status432 = "status:432";
    public const string Status4xx = "status:4xx";
    public const string Status5xx = "status:5xx";

    /// <summary>Sessions that reached a screen (each session counted once per screen).</summary>
    public const string ReachedPrefix = "reached:";

    /// <summary>Sessions whose last screen is this one (where they are, or where they stopped).</summary>
    public const string AtPrefix = "at:";

    /// <summary>Meta's error notifications by error key.</summary>
    public const string ErrorKeyPrefix = "error:";
}

/// <summary>A <c>flows</c> webhook event from Meta (health alert, status change).</summary>
[GenerateSerializer, Immutable, Alias("flow-alert")]
public sealed record FlowAlert(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Event,
    [property: Id(2)] string? FlowId,
    [property: Id(3)] string? OldStatus,
    [property: Id(4)] string? NewStatus,
    [property: Id(5)] string? AlertState,
    [property: Id(6)] string? Message);

/// <summary>A session that moved: identified by its key (a hash of the token), never by the token.</summary>
[GenerateSerializer, Immutable, Alias("recent-session")]
public sealed record RecentSession(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string Fingerprint,
    [property: Id(2)] string Flow,
    [property: Id(3)] FlowSessionStatus Status,
    [property: Id(4)] string? Screen,
    [property: Id(5)] DateTimeOffset At);

/// <summary>The dashboard's figures at <paramref name="At"/>: every flow, all flows together (<c>"*"</c>), nodes, alerts, recent sessions.</summary>
[GenerateSerializer, Immutable, Alias("dashboard-overview")]
public sealed record DashboardOverview(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] FlowOverview[] Flows,
    [property: Id(2)] NodeOverview[] Nodes,
    [property: Id(3)] FlowAlert[] Alerts,
    [property: Id(4)] RecentSession[] Sessions);

/// <summary>One flow's (or all flows') figures.</summary>
[GenerateSerializer, Immutable, Alias("flow-overview")]
public sealed record FlowOverview(
    [property: Id(0)] string Flow,
    [property: Id(1)] long Issued,
    [property: Id(2)] long Opened,
    [property: Id(3)] long Completed,
    [property: Id(4)] long Expired,
    [property: Id(5)] long Invalidated,
    [property: Id(6)] long Active,
    [property: Id(7)] double CompletionRate,
    [property: Id(8)] ScreenFunnel[] Funnel,
    [property: Id(9)] double StepsPerSecond,
    [property: Id(10)] double[] StepsPerSecondByMinute,
    [property: Id(11)] LatencyWindow[] Windows,
    [property: Id(12)] Dictionary<string, long> Statuses,
    [property: Id(13)] Dictionary<string, long> ErrorNotifications,
    [property: Id(14)] long Steps);

/// <summary>How many sessions reached a screen, and how many are on it now (or stopped there).</summary>
[GenerateSerializer, Immutable, Alias("screen-funnel")]
public sealed record ScreenFunnel([property: Id(0)] string Screen, [property: Id(1)] long Reached, [property: Id(2)] long At);

/// <summary>
/// The endpoint over the last <paramref name="Minutes"/> minutes, against Meta's alert thresholds (p90 of 1 s,
/// 5 % errors): <paramref name="LatencyAlert"/> and <paramref name="ErrorRateAlert"/> say whether they are crossed.
/// </summary>
[GenerateSerializer, Immutable, Alias("latency-window")]
public sealed record LatencyWindow(
    [property: Id(0)] int Minutes,
    [property: Id(1)] long Requests,
    [property: Id(2)] double P50Ms,
    [property: Id(3)] double P90Ms,
    [property: Id(4)] double P99Ms,
    [property: Id(5)] double ErrorRate,
    [property: Id(6)] bool LatencyAlert,
    [property: Id(7)] bool ErrorRateAlert);

/// <summary>One node: endpoint requests and session steps per second (last interval), activations (silos).</summary>
[GenerateSerializer, Immutable, Alias("node-overview")]
public sealed record NodeOverview(
    [property: Id(0)] string Node,
    [property: Id(1)] string Kind,
    [property: Id(2)] double RequestsPerSecond,
    [property: Id(3)] double StepsPerSecond,
    [property: Id(4)] int? Activations,
    [property: Id(5)] DateTimeOffset LastReport);
