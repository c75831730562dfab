namespace Backend.Grains.Dashboard;

/// <summary>
/// What the dashboard's aggregator (<see cref="FlowStatsGrain"/>) saves, every <see cref="FlowDashboardOptions.SaveInterval"/>:
/// counts and series only, never a token, email, recipient or session key. Bounded: one entry per flow and per
/// node heard from in the last hour, one waiting-deadline count per flow and hour of the sessions' lifetime, at most
/// 61 minutes of series per flow and the last 100 alerts.
/// </summary>
[GenerateSerializer, Alias("flow-stats-state")]
public sealed class FlowStatsState
{
    /// <summary>Per flow, the counts of nodes no longer reporting (see <see cref="FlowStatsGrain"/>).</summary>
    [Id(0)]
    public Dictionary<string, Dictionary<string, long>> Retired { get; set; } = [];

    /// <summary>Each reporting node's latest cumulative counts.</summary>
    [Id(1)]
    public List<StoredNode> Nodes { get; set; } = [];

    /// <summary>Each flow's minutes of the last hour.</summary>
    [Id(2)]
    public List<StoredSeries> Series { get; set; } = [];

    /// <summary>Meta's <c>flows</c> webhook events, newest first.</summary>
    [Id(3)]
    public List<FlowAlert> Alerts { get; set; } = [];

    /// <summary>When this was written.</summary>
    [Id(4)]
    public DateTimeOffset SavedAt { get; set; }

    /// <summary>Per flow, the retired nodes' waiting deadlines whose hour has not ended yet.</summary>
    [Id(5)]
    public Dictionary<string, PendingDeadlines[]> RetiredPending { get; set; } = [];
}

/// <summary>A node's latest report, without its latency histogram (a restored node's next report is a baseline for the series).</summary>
[GenerateSerializer, Alias("flow-stats-node")]
public sealed class StoredNode
{
    /// <summary>The node's id (a silo address, or an Api node's host and process id).</summary>
    [Id(0)]
    public string Node { get; set; } = "";

    [Id(1)]
    public string Kind { get; set; } = "";

    [Id(2)]
    public DateTimeOffset StartedAt { get; set; }

    [Id(3)]
    public long Sequence { get; set; }

    [Id(4)]
    public DateTimeOffset LastReport { get; set; }

    /// <summary>Per flow, the node's cumulative counts (<see cref="FlowCounterNames"/>).</summary>
    [Id(5)]
    public Dictionary<string, Dictionary<string, long>> Flows { get; set; } = [];

    /// <summary>Per flow, the node's waiting deadlines (<see cref="FlowCounterSnapshot.Pending"/>).</summary>
    [Id(6)]
    public Dictionary<string, PendingDeadlines[]> Pending { get; set; } = [];
}

/// <summary>One flow's saved minutes.</summary>
[GenerateSerializer, Alias("flow-stats-series")]
public sealed class StoredSeries
{
    [Id(0)]
    public string Flow { get; set; } = "";

    [Id(1)]
    public List<StoredMinute> Minutes { get; set; } = [];
}

/// <summary>One minute of a flow's series: steps, endpoint requests and errors, latency histogram (trailing zeros left out).</summary>
[GenerateSerializer, Alias("flow-stats-minute")]
public sealed class StoredMinute
{
    /// <summary>Minutes since the Unix epoch.</summary>
    [Id(0)]
    public long Stamp { get; set; }

    [Id(1)]
    public long Steps { get; set; }

    [Id(2)]
    public long Requests { get; set; }

    [Id(3)]
    public long Errors { get; set; }

    [Id(4)]
    public long[] Latency { get; set; } = [];
}
