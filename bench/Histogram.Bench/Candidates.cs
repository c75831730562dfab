using Backend.LoadGen.Measurement;
using HdrHistogram;

namespace Backend.Histogram.Bench;

/// <summary>One histogram as configured for the accuracy table.</summary>
/// <param name="Name">How the table names it.</param>
/// <param name="Measure">Records the values, then returns what it reports for p50, p90, p99, p99.9 and max.</param>
internal sealed record Candidate(string Name, Func<long[], double[]> Measure);

/// <summary>The histograms compared, each read through its own API as flows-load would read it.</summary>
internal static class Candidates
{
    /// <summary>One hour in nanoseconds: the highest value the HdrHistogram configurations track.</summary>
    public const long HourNanoseconds = 3_600_000_000_000;

    /// <summary>One hour in microseconds.</summary>
    public const long HourMicroseconds = 3_600_000_000;

    /// <summary>The percentiles the report prints (max comes separately).</summary>
    public static readonly double[] Percentiles = [50, 90, 99, 99.9];

    /// <summary>HdrHistogram as flows-load would configure it: nanoseconds (Stopwatch ticks), 1 ns to 1 h, 3 digits.</summary>
    public static HistogramBase Hdr() => new LongHistogram(1, HourNanoseconds, 3);

    /// <summary>The same configuration, safe for concurrent recording.</summary>
    public static HistogramBase HdrConcurrent() => new LongConcurrentHistogram(1, HourNanoseconds, 3);

    /// <summary>HdrHistogram's interval recorder over concurrent histograms of the same configuration.</summary>
    public static Recorder HdrRecorder() =>
        new(1, HourNanoseconds, 3, (id, lowest, highest, digits) => new LongConcurrentHistogram(id, lowest, highest, digits));

    /// <summary>What the report needs from an HdrHistogram: the four percentiles and the max.</summary>
    public static double[] HdrSummary(HistogramBase histogram) =>
        [.. Percentiles.Select(p => (double)histogram.GetValueAtPercentile(p)), histogram.GetMaxValue()];

    /// <summary>The configurations of the accuracy table.</summary>
    public static IEnumerable<Candidate> ForAccuracy()
    {
        yield return new("LatencyHistogram (flows-load)", values =>
        {
            var histogram = new LatencyHistogram();
            foreach (var value in values)
            {
                histogram.Record(value);
            }
            return [.. Percentiles.Select(p => (double)histogram.ValueAtPercentile(p)), histogram.MaxNanoseconds];
        });
        yield return new("HdrHistogram 3 digits, ns, 1 ns–1 h", values => HdrOf(Hdr(), values, 1));
        yield return new("HdrHistogram 3 digits, µs, 1 µs–1 h", values => HdrOf(new LongHistogram(1, HourMicroseconds, 3), values, 1_000));
        yield return new("HdrHistogram 2 digits, ns, 1 ns–1 h", values => HdrOf(new LongHistogram(1, HourNanoseconds, 2), values, 1));
    }

    private static double[] HdrOf(HistogramBase histogram, long[] values, long unit)
    {
        foreach (var value in values)
        {
            histogram.RecordValue(value / unit);
        }
        return [.. HdrSummary(histogram).Select(v => v * unit)];
    }
}

/// <summary>Tight recording loops, one per kind of recorder, so each call is direct.</summary>
internal static class Record
{
    /// <summary>Records <paramref name="count"/> values from <paramref name="from"/> (wrapping around).</summary>
    public static void Hand(LatencyHistogram histogram, long[] values, int from, int count)
    {
        var mask = values.Length - 1;
        for (var i = 0; i < count; i++)
        {
            histogram.Record(values[(from + i) & mask]);
        }
    }

    /// <summary>Records <paramref name="count"/> values from <paramref name="from"/> (wrapping around).</summary>
    public static void Hdr(HistogramBase histogram, long[] values, int from, int count)
    {
        var mask = values.Length - 1;
        for (var i = 0; i < count; i++)
        {
            histogram.RecordValue(values[(from + i) & mask]);
        }
    }

    /// <summary>Records <paramref name="count"/> values from <paramref name="from"/> (wrapping around).</summary>
    public static void Recorder(Recorder recorder, long[] values, int from, int count)
    {
        var mask = values.Length - 1;
        for (var i = 0; i < count; i++)
        {
            recorder.RecordValue(values[(from + i) & mask]);
        }
    }
}

/// <summary>
/// A concurrent HdrHistogram plus what flows-load's report needs beyond it: the exact min, max and sum (for the
/// mean), kept with interlocked operations as LatencyHistogram keeps them, so both do the same work per value.
/// </summary>
internal sealed class HdrWithExactExtremes
{
    private readonly HistogramBase _histogram = Candidates.HdrConcurrent();
    private long _sum;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    /// <summary>Records one value in nanoseconds.</summary>
    public void Record(long value)
    {
        _histogram.RecordValue(value);
        Interlocked.Add(ref _sum, value);
        long seen;
        while (value < (seen = Volatile.Read(ref _min)) && Interlocked.CompareExchange(ref _min, value, seen) != seen)
        {
        }
        while (value > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
    }

    /// <summary>Records <paramref name="count"/> values from <paramref name="from"/> (wrapping around).</summary>
    public void RecordAll(long[] values, int from, int count)
    {
        var mask = values.Length - 1;
        for (var i = 0; i < count; i++)
        {
            Record(values[(from + i) & mask]);
        }
    }
}
