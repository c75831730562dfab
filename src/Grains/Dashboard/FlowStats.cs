using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Backend.Grains.Dashboard;

/// <summary>Settings of the dashboard (section <c>Dashboard</c>).</summary>
public sealed class FlowDashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Whether nodes count and report for the dashboard (and the page is served). Off: recording does nothing.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each node reports its counts to the cluster's <see cref="IFlowStatsGrain"/>.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.200", "00:00:10")]
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the cluster's <see cref="IFlowStatsGrain"/> saves its totals and series in grain storage (only when
    /// they changed; also when it deactivates): what a crash of its silo can lose at most.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SaveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether Orleans' own dashboard (grain-level views) is mounted at <c>/dashboard/orleans</c>.</summary>
    public bool Orleans { get; set; } = true;
}

/// <summary>
/// This node's counts for the dashboard, cumulative since the node started. Recording is a dictionary lookup and
/// interlocked increments, with no allocation and no grain call; <see cref="FlowStatsReporter"/> sends a snapshot
/// to the cluster every <see cref="FlowDashboardOptions.ReportInterval"/>.
/// </summary>
/// <remarks>
/// Sessions that expire untouched: each flow keeps the deadlines of its sessions still waiting for one (issued-only
/// or open) in one-minute buckets (<see cref="ExpiryBucket"/>). When a bucket's minute has passed, the next
/// snapshot folds it: its sessions count as expired and leave the open sessions, as if each had been touched just
/// after its deadline. A status change of a session whose bucket this node has already folded knows it was counted
/// expired (the check and the fold are under one lock per flow), so nothing counts twice. Buckets are per node and
/// summed by the aggregator like the other counts: a session issued on one node and closed on another leaves +1 on
/// the first and −1 on the second, which fold to nothing together. Each snapshot also carries the waiting
/// deadlines by hour (<see cref="PendingDeadlines"/>), which the aggregator folds for a node that stopped reporting.
/// </remarks>
public sealed class FlowStats(IOptions<FlowDashboardOptions> options, TimeProvider time)
{
    /// <summary>The width of a deadline bucket: a session untouched past its deadline counts as expired within this (plus a report interval).</summary>
    public static readonly TimeSpan ExpiryBucket = TimeSpan.FromMinutes(1);

    // Flow names come from the served flows and the catalog; the cap only guards against a misuse.
    private const int MaxFlows = 64;
    private const int MaxKeysPerFlow = 128;
    private const int MaxPending = 512;

    private readonly ConcurrentDictionary<string, FlowCounters> _flows = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FlowAlert> _alerts = new();
    private readonly ConcurrentQueue<RecentSession> _sessions = new();

    /// <summary>Whether anything is recorded.</summary>
    public bool Enabled { get; } = options.Value.Enabled;

    /// <summary>When this node started counting.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>An endpoint request of <paramref name="flow"/>, answered with <paramref name="status"/> after <paramref name="elapsed"/>.</summary>
    public void RecordRequest(string flow, int status, TimeSpan elapsed)
    {
        if (!Enabled)
        {
            return;
        }
        var counters = For(flow);
        counters.Increment(Counter.Requests);
        counters.Increment(status switch
        {
            >= 200 and < 300 => Counter.Status2xx,
            421 => Counter.Status421,
            427 => Counter.Status427,
            432 => Counter.Status432,
            >= 500 => Counter.Status5xx,
            _ => Counter.Status4xx,
        });
        // What Meta counts against the endpoint: anything but a served answer or a deliberate 427.
        if (status is not (>= 200 and < 300) and not 427)
        {
            counters.Increment(Counter.Errors);
        }
        LatencyHistogram.Record(counters.Latency, elapsed);
    }

    /// <summary>An error notification from Meta for <paramref name="flow"/>.</summary>
    public void RecordErrorNotification(string flow, string errorKey)
    {
        if (Enabled)
        {
            For(flow).Add(FlowCounterNames.ErrorKeyPrefix + (errorKey.Length > 64 ? errorKey[..64] : errorKey), 1);
        }
    }

    /// <summary>A <c>flows</c> webhook event.</summary>
    public void RecordAlert(FlowAlert alert)
    {
        if (Enabled && _alerts.Count < MaxPending)
        {
            _alerts.Enqueue(alert);
        }
    }

    /// <summary>
    /// A session changed status: <paramref name="from"/> is <see langword="null"/> for a new session;
    /// <paramref name="deadline"/> is when it expires (<see langword="null"/>: never), the same before and after.
    /// </summary>
    public void RecordStatus(string flow, FlowSessionStatus? from, FlowSessionStatus to, DateTimeOffset? deadline = null)
    {
        if (!Enabled || from == to)
        {
            return;
        }
        For(flow).Status(from, to, deadline is { } d ? d.UtcTicks / ExpiryBucket.Ticks : null);
    }

    /// <summary>
    /// A step served by a session: the screens it reached for the first time (<see langword="null"/> when none),
    /// and its move from one screen to another.
    /// </summary>
    public void RecordStep(string flow, string? firstReached, string? secondReached, string? movedFrom, string? movedTo)
    {
        if (!Enabled)
        {
            return;
        }
        var counters = For(flow);
        counters.Increment(Counter.Steps);
        if (firstReached is not null)
        {
            counters.Add(FlowCounterNames.ReachedPrefix + firstReached, 1);
        }
        if (secondReached is not null)
        {
            counters.Add(FlowCounterNames.ReachedPrefix + secondReached, 1);
        }
        if (movedFrom != movedTo)
        {
            if (movedFrom is not null)
            {
                counters.Add(FlowCounterNames.AtPrefix + movedFrom, -1);
            }
            if (movedTo is not null)
            {
                counters.Add(FlowCounterNames.AtPrefix + movedTo, 1);
            }
        }
    }

    /// <summary>A session that moved, for the dashboard's recent sessions.</summary>
    public void RecordSession(RecentSession session)
    {
        if (Enabled && _sessions.Count < MaxPending)
        {
            _sessions.Enqueue(session);
        }
    }

    /// <summary>Every flow's cumulative counts now, after folding the deadline buckets whose minute has passed.</summary>
    public FlowCounterSnapshot[] Snapshot()
    {
        // Buckets below this one have ended: their deadlines are strictly in the past.
        var passed = time.GetUtcNow().UtcTicks / ExpiryBucket.Ticks;
        return [.. _flows.Values.Select(f => f.Fold(passed).Snapshot())];
    }

    /// <summary>The alerts and sessions recorded since the last call.</summary>
    public (FlowAlert[] Alerts, RecentSession[] Sessions) DrainEvents() => (Drain(_alerts), Drain(_sessions));

    private static T[] Drain<T>(ConcurrentQueue<T> queue)
    {
        var items = new List<T>();
        while (items.Count < MaxPending && queue.TryDequeue(out var item))
        {
            items.Add(item);
        }
        return [.. items];
    }

    private FlowCounters For(string flow) =>
        _flows.TryGetValue(flow, out var counters) ? counters
        : _flows.Count >= MaxFlows ? _flows.GetOrAdd("(other)", static name => new FlowCounters(name))
        : _flows.GetOrAdd(flow, static name => new FlowCounters(name));

    private enum Counter
    {
        Issued, Opened, Completed, Expired, Invalidated, Active, Steps, Requests, Errors,
        Status2xx, Status421, Status427, Status432, Status4xx, Status5xx,
    }

    private static readonly string[] CounterNames =
    [
        FlowCounterNames.Issued, FlowCounterNames.Opened, FlowCounterNames.Completed, FlowCounterNames.Expired,
        FlowCounterNames.Invalidated, FlowCounterNames.Active, FlowCounterNames.Steps, FlowCounterNames.Requests,
        FlowCounterNames.Errors, FlowCounterNames.Status2xx, FlowCounterNames.Status421, FlowCounterNames.Status427,
        FlowCounterNames.Status432, FlowCounterNames.Status4xx, FlowCounterNames.Status5xx,
    ];

    private sealed class FlowCounters(string flow)
    {
        private readonly long[] _counts = new long[CounterNames.Length];
        private readonly ConcurrentDictionary<string, StrongBox<long>> _keyed = new(StringComparer.Ordinal);

        // Deadline bucket → sessions waiting for that deadline here (issued-only, open); may be negative on one node.
        private readonly Dictionary<long, (long Sent, long Open)> _deadlines = [];
        private readonly Lock _expiry = new();
        private long _foldedBelow = long.MinValue;

        public long[] Latency { get; } = new long[LatencyHistogram.Buckets];

        public void Increment(Counter counter) => Interlocked.Increment(ref _counts[(int)counter]);

        public void Add(Counter counter, long value) => Interlocked.Add(ref _counts[(int)counter], value);

        public void Add(string key, long value)
        {
            if (!_keyed.TryGetValue(key, out var box))
            {
                if (_keyed.Count >= MaxKeysPerFlow)
                {
                    return;
                }
                box = _keyed.GetOrAdd(key, static _ => new StrongBox<long>());
            }
            Interlocked.Add(ref box.Value, value);
        }

        /// <summary>
        /// Counts a status change; <paramref name="bucket"/> is the deadline's bucket. A waiting session whose bucket
        /// was folded here already counts as expired and not open: only its move to completed or invalidated is
        /// counted then, as for a session expired by a touch.
        /// </summary>
        public void Status(FlowSessionStatus? from, FlowSessionStatus to, long? bucket)
        {
            lock (_expiry)
            {
                var waited = from is FlowSessionStatus.Sent or FlowSessionStatus.Open && bucket is not null;
                var lapsed = waited && bucket < _foldedBelow;
                if (waited && !lapsed)
                {
                    Wait(bucket!.Value, from!.Value, -1);
                }
                var waits = to is FlowSessionStatus.Sent or FlowSessionStatus.Open && bucket is not null;
                // A deadline in a bucket folded already (the session was served right at its deadline): lapsed at once.
                var lapses = waits && (lapsed || bucket < _foldedBelow);
                if (waits && !lapses)
                {
                    Wait(bucket!.Value, to, 1);
                }
                switch (to)
                {
                    case FlowSessionStatus.Sent: Increment(Counter.Issued); break;
                    case FlowSessionStatus.Open: Increment(Counter.Opened); break;
                    case FlowSessionStatus.Completed: Increment(Counter.Completed); break;
                    case FlowSessionStatus.Expired when !lapsed: Increment(Counter.Expired); break;
                    case FlowSessionStatus.Invalidated: Increment(Counter.Invalidated); break;
                }
                if (lapses && !lapsed)
                {
                    Increment(Counter.Expired);
                }
                var wasActive = from is FlowSessionStatus.Open && !lapsed;
                var isActive = to is FlowSessionStatus.Open && !lapses;
                if (wasActive != isActive)
                {
                    Add(Counter.Active, isActive ? 1 : -1);
                }
            }
        }

        /// <summary>Folds the buckets below <paramref name="passed"/>: their sessions expired, the open ones are open no more.</summary>
        public FlowCounters Fold(long passed)
        {
            lock (_expiry)
            {
                if (passed <= _foldedBelow)
                {
                    return this;
                }
                _foldedBelow = passed;
                if (_deadlines.Count == 0)
                {
                    return this;
                }
                foreach (var bucket in _deadlines.Keys.Where(b => b < passed).ToList())
                {
                    var (sent, open) = _deadlines[bucket];
                    _deadlines.Remove(bucket);
                    Add(Counter.Expired, sent + open);
                    Add(Counter.Active, -open);
                }
            }
            return this;
        }

        private void Wait(long bucket, FlowSessionStatus status, long change)
        {
            var (sent, open) = _deadlines.GetValueOrDefault(bucket);
            (sent, open) = status == FlowSessionStatus.Open ? (sent, open + change) : (sent + change, open);
            if (sent == 0 && open == 0)
            {
                _deadlines.Remove(bucket);
            }
            else
            {
                _deadlines[bucket] = (sent, open);
            }
        }

        public FlowCounterSnapshot Snapshot()
        {
            var counters = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < _counts.Length; i++)
            {
                if (Volatile.Read(ref _counts[i]) is var value and not 0)
                {
                    counters[CounterNames[i]] = value;
                }
            }
            foreach (var (key, box) in _keyed)
            {
                counters[key] = Volatile.Read(ref box.Value);
            }
            var latency = new long[Latency.Length];
            for (var i = 0; i < latency.Length; i++)
            {
                latency[i] = Volatile.Read(ref Latency[i]);
            }
            return new FlowCounterSnapshot(flow, counters, latency, Pending());
        }

        // The waiting deadlines by hour: a bucket ends no later than its hour, so the aggregator folding an ended hour
        // of a node that stopped reporting folds nothing this node would not have folded itself.
        private PendingDeadlines[] Pending()
        {
            lock (_expiry)
            {
                if (_deadlines.Count == 0)
                {
                    return [];
                }
                var perHour = PendingDeadlines.Width.Ticks / ExpiryBucket.Ticks;
                return [.. _deadlines
                    .GroupBy(d => d.Key / perHour)
                    .Select(g => new PendingDeadlines(g.Key, g.Sum(d => d.Value.Sent), g.Sum(d => d.Value.Open)))
                    .Where(p => p.Sent != 0 || p.Open != 0)
                    .OrderBy(p => p.Hour)];
            }
        }
    }
}
