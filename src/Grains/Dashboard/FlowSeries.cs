namespace Backend.Grains.Dashboard;

/// <summary>
/// One flow's recent history in the aggregator: session steps per second over the last hour, and per minute the
/// endpoint's requests, errors and latency histogram over the last 30 minutes. Filled from the differences between
/// a node's consecutive cumulative reports, stamped with the time they arrive.
/// </summary>
internal sealed class FlowSeries
{
    private const int Seconds = 3600;
    private const int Minutes = 31;

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
        var minute = MinuteAt(now.ToUnixTimeSeconds() / 60);
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
            var target = MinuteAt(source.Stamp);
            target.Requests += source.Requests;
            target.Errors += source.Errors;
            for (var i = 0; i < target.Latency.Length; i++)
            {
                target.Latency[i] += source.Latency[i];
            }
        }
    }

    /// <summary>Steps per second over the last <paramref name="seconds"/> seconds.</summary>
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
        var currentMinuteStart = end - end % 60;
        var result = new double[60];
        for (var m = 0; m < 60; m++)
        {
            var start = currentMinuteStart - (59 - m) * 60L;
            long sum = 0;
            for (var s = start; s < start + 60 && s <= end; s++)
            {
                sum += StepsAt(s);
            }
            result[m] = sum / (double)Math.Clamp(end - start + 1, 1, 60);
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

    private Minute MinuteAt(long stamp)
    {
        var minute = _minutes[(int)(stamp % Minutes)];
        if (minute.Stamp != stamp)
        {
            minute.Reset(stamp);
        }
        return minute;
    }

    private sealed class Minute
    {
        public long Stamp { get; private set; }

        public long Requests { get; set; }

        public long Errors { get; set; }

        public long[] Latency { get; } = new long[LatencyHistogram.Buckets];

        public void Reset(long stamp)
        {
            (Stamp, Requests, Errors) = (stamp, 0, 0);
            Array.Clear(Latency);
        }
    }
}

/// <summary>Meta's alert thresholds for a flow's endpoint (FLOWS-PROTOCOL §14).</summary>
public static class MetaThresholds
{
    /// <summary>ENDPOINT_LATENCY fires at a p90 of 1 s over 30 minutes.</summary>
    public const double P90LatencyMs = 1000;

    /// <summary>ENDPOINT_ERROR_RATE fires at 5 % over 30 minutes.</summary>
    public const double ErrorRate = 0.05;
}
