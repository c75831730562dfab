namespace Backend.Grains.Dashboard;

/// <summary>
/// One flow's recent history in the aggregator: per minute over the last hour the session steps, the endpoint's
/// requests, errors and latency histogram (the page reads steps over 60 minutes, the endpoint over 5 and 30), and
/// per second over the last minute the steps (for the live rate). Filled from the differences between a node's
/// consecutive cumulative reports, stamped with the time they arrive. The minutes are what is saved
/// (<see cref="Save"/>); the seconds are live only.
/// </summary>
internal sealed class FlowSeries
{
    private const int Seconds = 60;
    private const int Minutes = 61;

    private readonly long[] _steps = new long[Seconds];
    private readonly long[] _stepStamps = new long[Seconds];
    private readonly Minute[] _minutes = Enumerable.Range(0, Minutes).Select(_ => new Minute()).ToArray();

    /// <summary>Adds the difference between <paramref name="previous"/> and <paramref name="current"/>; returns the endpoint requests and steps it holds.</summary>
    public (long Requests, long Steps) Add(DateTimeOffset now, FlowCounterSnapshot? previous, FlowCounterSnapshot current)
    {
        long Delta(string name) => Math.Max(0, current.Counters.GetValueOrDefault(name) - (previous?.Counters.GetValueOrDefault(name) ?? 0));
        var steps = Delta(FlowCounterNames.Steps);
        var requests = Delta(FlowCounterNames.Requests);
        AddSteps(now.ToUnixTimeSeconds(), steps);
        if (MinuteAt(now.ToUnixTimeSeconds() / 60) is not { } minute)
        {
            return (requests, steps);
        }
        minute.Steps += steps;
        minute.Requests += requests;
        minute.Errors += Delta(FlowCounterNames.Errors);
        for (var i = 0; i < current.Latency.Length && i < minute.Latency.Length; i++)
        {
            var before = previous is { Latency.Length: > 0 } p && i < p.Latency.Length ? p.Latency[i] : 0;
            minute.Latency[i] += Math.Max(0, current.Latency[i] - before);
        }
        return (requests, steps);
    }

    /// <summary>Adds another flow's series (for all flows together).</summary>
    public void Merge(FlowSeries other)
    {
        for (var i = 0; i < Seconds; i++)
        {
            if (other._stepStamps[i] != 0)
            {
                AddSteps(other._stepStamps[i], other._steps[i]);
            }
        }
        foreach (var source in other._minutes.Where(m => m.Stamp != 0))
        {
            Add(MinuteAt(source.Stamp), source.Steps, source.Requests, source.Errors, source.Latency);
        }
    }

    /// <summary>The minutes of the last hour that hold anything, to be saved (latency histograms without their trailing zeros).</summary>
    public List<StoredMinute> Save(DateTimeOffset now)
    {
        var current = now.ToUnixTimeSeconds() / 60;
        return [.. _minutes
            .Where(m => m.Stamp != 0 && m.Stamp > current - Minutes && (m.Steps != 0 || m.Requests != 0 || m.Errors != 0))
            .OrderBy(m => m.Stamp)
            .Select(m => new StoredMinute { Stamp = m.Stamp, Steps = m.Steps, Requests = m.Requests, Errors = m.Errors, Latency = Trimmed(m.Latency) })];
    }

    /// <summary>Adds saved minutes (<see cref="Save"/>) back.</summary>
    public void Restore(IEnumerable<StoredMinute> minutes)
    {
        foreach (var saved in minutes.Where(m => m.Stamp > 0))
        {
            Add(MinuteAt(saved.Stamp), saved.Steps, saved.Requests, saved.Errors, saved.Latency ?? []);
        }
    }

    /// <summary>Steps per second over the last <paramref name="seconds"/> seconds (at most a minute).</summary>
    public double StepsPerSecond(DateTimeOffset now, int seconds)
    {
        var end = now.ToUnixTimeSeconds();
        long sum = 0;
        for (var s = end - seconds + 1; s <= end; s++)
        {
            sum += StepsAt(s);
        }
        return (double)sum / seconds;
    }

    /// <summary>Steps per second in each of the last 60 minutes, oldest first (the current minute last, so far).</summary>
    public double[] StepsPerSecondByMinute(DateTimeOffset now)
    {
        var end = now.ToUnixTimeSeconds();
        var current = end / 60;
        var result = new double[60];
        for (var m = 0; m < 60; m++)
        {
            var stamp = current - 59 + m;
            var minute = _minutes[(int)(stamp % Minutes)];
            var steps = minute.Stamp == stamp ? minute.Steps : 0;
            result[m] = steps / (double)Math.Clamp(end - stamp * 60 + 1, 1, 60);
        }
        return result;
    }

    /// <summary>The endpoint over the last <paramref name="minutes"/> minutes (the current one included), against Meta's thresholds.</summary>
    public LatencyWindow Window(DateTimeOffset now, int minutes)
    {
        var current = now.ToUnixTimeSeconds() / 60;
        var latency = new long[LatencyHistogram.Buckets];
        long requests = 0, errors = 0;
        foreach (var minute in _minutes.Where(m => m.Stamp != 0 && m.Stamp > current - minutes && m.Stamp <= current))
        {
            requests += minute.Requests;
            errors += minute.Errors;
            for (var i = 0; i < latency.Length; i++)
            {
                latency[i] += minute.Latency[i];
            }
        }
        var p90 = LatencyHistogram.Percentile(latency, 0.90);
        var errorRate = requests == 0 ? 0 : (double)errors / requests;
        return new LatencyWindow(minutes, requests, LatencyHistogram.Percentile(latency, 0.50), p90, LatencyHistogram.Percentile(latency, 0.99),
            errorRate, p90 >= MetaThresholds.P90LatencyMs, errorRate >= MetaThresholds.ErrorRate);
    }

    private static void Add(Minute? target, long steps, long requests, long errors, long[] latency)
    {
        if (target is null)
        {
            return;
        }
        target.Steps += steps;
        target.Requests += requests;
        target.Errors += errors;
        for (var i = 0; i < target.Latency.Length && i < latency.Length; i++)
        {
            target.Latency[i] += latency[i];
        }
    }

    private static long[] Trimmed(long[] latency)
    {
        var length = latency.Length;
        while (length > 0 && latency[length - 1] == 0)
        {
            length--;
        }
        return latency[..length];
    }

    private void AddSteps(long second, long steps)
    {
        var slot = (int)(second % Seconds);
        if (_stepStamps[slot] != second)
        {
            (_stepStamps[slot], _steps[slot]) = (second, 0);
        }
        _steps[slot] += steps;
    }

    private long StepsAt(long second)
    {
        var slot = (int)(second % Seconds);
        return _stepStamps[slot] == second ? _steps[slot] : 0;
    }

    // The minute's slot, emptied if it held an older minute; null when it holds a newer one (an older minute is gone).
    private Minute? MinuteAt(long stamp)
    {
        var minute = _minutes[(int)(stamp % Minutes)];
        if (minute.Stamp > stamp)
        {
            return null;
        }
        if (minute.Stamp != stamp)
        {
            minute.Reset(stamp);
        }
        return minute;
    }

    private sealed class Minute
    {
        public long Stamp { get; private set; }

        public long Steps { get; set; }

        public long Requests { get; set; }

        public long Errors { get; set; }

        public long[] Latency { get; } = new long[LatencyHistogram.Buckets];

        public void Reset(long stamp)
        {
            (Stamp, Steps, Requests, Errors) = (stamp, 0, 0, 0);
            Array.Clear(Latency);
        }
    }
}

/// <summary>Meta's alert thresholds for a flow's endpoint (https://developers.facebook.com/docs/whatsapp/flows/guides/healthmonitoring).</summary>
public static class MetaThresholds
{
    /// <summary>ENDPOINT_LATENCY fires at a p90 of 1 s over 30 minutes.</summary>
    public const double P90LatencyMs = 1000;

    /// <summary>ENDPOINT_ERROR_RATE fires at 5 % over 30 minutes.</summary>
    public const double ErrorRate = 0.05;
}
