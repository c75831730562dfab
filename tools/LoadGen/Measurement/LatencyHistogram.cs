using System.Diagnostics;

namespace Backend.LoadGen.Measurement;

/// <summary>
/// A log-linear histogram of durations in nanoseconds, in the manner of HdrHistogram: values below 128 ns get a
/// bucket each; above, every power of two is split into 128 equal buckets, so a bucket is never wider than 1/128 of
/// its lowest value. Percentiles are reported at the bucket's midpoint (clamped to the exact minimum and maximum),
/// so the relative error is at most 1/256 (0.4%). The range is 0 ns to 2^41 ns (about 36 minutes) in 4,480
/// counters (35 KB). Recording is lock-free (interlocked), so any number of threads can record into one instance;
/// histograms merge by adding counters.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBucketCount = 1 << SubBucketBits;
    private const int HighestOctave = 40;
    private const int BucketCount = SubBucketCount + ((HighestOctave - SubBucketBits + 1) * SubBucketCount);

    /// <summary>The largest value the histogram distinguishes; larger values are counted at this value.</summary>
    public const long HighestTrackableNanoseconds = (1L << (HighestOctave + 1)) - 1;

    private static readonly double s_nanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[BucketCount];
    private long _totalCount;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    /// <summary>How many values were recorded.</summary>
    public long TotalCount => Interlocked.Read(ref _totalCount);

    /// <summary>The smallest recorded value (exact), or 0 when empty.</summary>
    public long MinNanoseconds => TotalCount == 0 ? 0 : Interlocked.Read(ref _min);

    /// <summary>The largest recorded value (exact, even beyond the trackable range), or 0 when empty.</summary>
    public long MaxNanoseconds => TotalCount == 0 ? 0 : Interlocked.Read(ref _max);

    /// <summary>The mean of the recorded values, or 0 when empty.</summary>
    public double MeanNanoseconds => TotalCount == 0 ? 0 : (double)Interlocked.Read(ref _sum) / TotalCount;

    /// <summary>Records one duration given in nanoseconds. Negative values count as zero. Thread-safe.</summary>
    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0)
        {
            nanoseconds = 0;
        }
        Interlocked.Increment(ref _counts[IndexOf(Math.Min(nanoseconds, HighestTrackableNanoseconds))]);
        Interlocked.Add(ref _sum, nanoseconds);
        UpdateMin(nanoseconds);
        UpdateMax(nanoseconds);
        // Last, so a reader that sees the count also sees the counters it covers (or more).
        Interlocked.Increment(ref _totalCount);
    }

    /// <summary>Records the time between two <see cref="Stopwatch.GetTimestamp"/> values.</summary>
    public void RecordTicks(long startTimestamp, long endTimestamp) =>
        Record(TicksToNanoseconds(endTimestamp - startTimestamp));

    /// <summary>Converts a <see cref="Stopwatch"/> tick count to nanoseconds.</summary>
    public static long TicksToNanoseconds(long ticks) => (long)(ticks * s_nanosecondsPerTick);

    /// <summary>
    /// The value at <paramref name="percentile"/> (0–100) by nearest rank: the smallest recorded value such that at
    /// least that share of all values are less than or equal to it, within the histogram's precision.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        // Sum the counters themselves: a concurrent writer may have bumped a counter but not yet the total.
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Volatile.Read(ref _counts[i]);
        }
        if (total == 0)
        {
            return 0;
        }
        if (percentile >= 100)
        {
            return MaxNanoseconds;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                var (low, width) = BucketOf(i);
                return Math.Clamp(low + (width >> 1), Interlocked.Read(ref _min), Interlocked.Read(ref _max));
            }
        }
        return MaxNanoseconds;
    }

    /// <summary>Adds every value recorded in <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var count = other.TotalCount;
        if (count == 0)
        {
            return;
        }
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Volatile.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        UpdateMin(Interlocked.Read(ref other._min));
        UpdateMax(Interlocked.Read(ref other._max));
        Interlocked.Add(ref _totalCount, count);
    }

    /// <summary>The summary the report prints: count, percentiles and extremes.</summary>
    public LatencySummary Summarize() => new(
        TotalCount,
        ToMilliseconds(ValueAtPercentile(50)),
        ToMilliseconds(ValueAtPercentile(90)),
        ToMilliseconds(ValueAtPercentile(99)),
        ToMilliseconds(ValueAtPercentile(99.9)),
        ToMilliseconds(MaxNanoseconds),
        ToMilliseconds(MinNanoseconds),
        Math.Round(MeanNanoseconds / 1e6, 3));

    private static double ToMilliseconds(long nanoseconds) => Math.Round(nanoseconds / 1e6, 3);

    private static int IndexOf(long value)
    {
        if (value < SubBucketCount)
        {
            return (int)value;
        }
        var octave = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);
        var shift = octave - SubBucketBits;
        var sub = (int)(value >> shift) - SubBucketCount;
        return SubBucketCount + (shift * SubBucketCount) + sub;
    }

    private static (long Low, long Width) BucketOf(int index)
    {
        if (index < SubBucketCount)
        {
            return (index, 1);
        }
        var k = index - SubBucketCount;
        var shift = k / SubBucketCount;
        var sub = k % SubBucketCount;
        return ((long)(SubBucketCount + sub) << shift, 1L << shift);
    }

    private void UpdateMin(long value)
    {
        var current = Interlocked.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private void UpdateMax(long value)
    {
        var current = Interlocked.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}

/// <summary>Latency figures of one step, in milliseconds with microsecond precision.</summary>
/// <param name="Count">Measured requests (or journeys).</param>
/// <param name="P50Ms">Median.</param>
/// <param name="P90Ms">90th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="P999Ms">99.9th percentile.</param>
/// <param name="MaxMs">Largest (exact).</param>
/// <param name="MinMs">Smallest (exact).</param>
/// <param name="MeanMs">Mean.</param>
public sealed record LatencySummary(
    long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, double MinMs, double MeanMs);
