using System.Numerics;

namespace Backend.Grains.Dashboard;

/// <summary>
/// A log-linear latency histogram layout: microseconds, exact below 8 µs, then 8 buckets per power of two (at most
/// 12.5 % wide), up to about 134 s. Recording is an index computation and one interlocked increment; percentiles
/// interpolate inside the bucket.
/// </summary>
public static class LatencyHistogram
{
    private const int SubBits = 3;
    private const int Sub = 1 << SubBits;

    /// <summary>How many buckets a histogram has.</summary>
    public const int Buckets = Sub + Sub * 24;

    /// <summary>The bucket of a latency of <paramref name="microseconds"/>.</summary>
    public static int BucketOf(long microseconds)
    {
        if (microseconds < Sub)
        {
            return microseconds < 0 ? 0 : (int)microseconds;
        }
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)microseconds);
        var index = Sub + (exponent - SubBits) * Sub + (int)((microseconds >> (exponent - SubBits)) & (Sub - 1));
        return Math.Min(index, Buckets - 1);
    }

    /// <summary>Adds one latency to <paramref name="counts"/> (thread-safe).</summary>
    public static void Record(long[] counts, TimeSpan elapsed) =>
        Interlocked.Increment(ref counts[BucketOf(elapsed.Ticks / TimeSpan.TicksPerMicrosecond)]);

    /// <summary>The latency (ms) under which <paramref name="quantile"/> of the counted requests fall; 0 when none.</summary>
    public static double Percentile(ReadOnlySpan<long> counts, double quantile)
    {
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }
        if (total == 0)
        {
            return 0;
        }
        var rank = quantile * total;
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0 || seen + counts[i] < rank)
            {
                seen += counts[i];
                continue;
            }
            var (lower, width) = Bounds(i);
            var within = (rank - seen) / counts[i];
            return (lower + width * within) / 1000.0;
        }
        var (last, lastWidth) = Bounds(counts.Length - 1);
        return (last + lastWidth) / 1000.0;
    }

    private static (double Lower, double Width) Bounds(int index)
    {
        if (index < Sub)
        {
            return (index, 1);
        }
        var exponent = SubBits + (index - Sub) / Sub;
        var width = 1L << (exponent - SubBits);
        return ((Sub + (index - Sub) % Sub) * width, width);
    }
}
