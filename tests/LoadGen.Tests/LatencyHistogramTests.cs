using Backend.LoadGen.Measurement;

namespace Backend.LoadGen.Tests;

/// <summary>The log-linear histogram against exact sorted values.</summary>
public sealed class LatencyHistogramTests
{
    private static readonly double[] s_percentiles = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

    /// <summary>Latency-like data: log-uniform from 1 µs to 60 s, plus a few exact small values.</summary>
    private static long[] RandomDurations(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (long)Math.Exp(random.NextDouble() * Math.Log(60e9 / 1e3)) * 1_000 + random.Next(1_000))];
    }

    /// <summary>Nearest rank: the smallest value with at least p% of the values at or below it.</summary>
    private static long Exact(long[] sorted, double percentile) =>
        percentile >= 100 ? sorted[^1] : sorted[Math.Max(1, (long)Math.Ceiling(percentile / 100 * sorted.Length)) - 1];

    private static void AssertWithinOnePercent(long expected, long actual, double percentile)
    {
        var error = Math.Abs(actual - expected) / (double)Math.Max(1, expected);
        Assert.True(error <= 0.01, $"p{percentile}: histogram {actual} ns, exact {expected} ns, relative error {error:P3}");
    }

    [Theory]
    [InlineData(1, 100_000)]
    [InlineData(2, 1_000)]
    [InlineData(3, 7)]
    public void PercentilesAreWithinOnePercentOfTheExactSortedValues(int seed, int count)
    {
        var values = RandomDurations(seed, count);
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }
        Array.Sort(values);

        Assert.Equal(values.Length, histogram.TotalCount);
        foreach (var percentile in s_percentiles)
        {
            AssertWithinOnePercent(Exact(values, percentile), histogram.ValueAtPercentile(percentile), percentile);
        }
    }

    [Fact]
    public void MinMaxAndMeanAreExact()
    {
        var values = RandomDurations(4, 10_000);
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        Assert.Equal(values.Min(), histogram.MinNanoseconds);
        Assert.Equal(values.Max(), histogram.MaxNanoseconds);
        Assert.Equal(values.Average(v => (double)v), histogram.MeanNanoseconds, 1e-6 * values.Average(v => (double)v));
    }

    [Fact]
    public void MergingTwoHistogramsEqualsRecordingEverythingInOne()
    {
        var first = RandomDurations(5, 20_000);
        var second = RandomDurations(6, 30_000).Select(v => v * 3).ToArray();
        var merged = new LatencyHistogram();
        var part = new LatencyHistogram();
        var whole = new LatencyHistogram();
        foreach (var value in first)
        {
            merged.Record(value);
            whole.Record(value);
        }
        foreach (var value in second)
        {
            part.Record(value);
            whole.Record(value);
        }

        merged.Add(part);

        Assert.Equal(whole.TotalCount, merged.TotalCount);
        Assert.Equal(whole.MinNanoseconds, merged.MinNanoseconds);
        Assert.Equal(whole.MaxNanoseconds, merged.MaxNanoseconds);
        var all = first.Concat(second).Order().ToArray();
        foreach (var percentile in s_percentiles)
        {
            Assert.Equal(whole.ValueAtPercentile(percentile), merged.ValueAtPercentile(percentile));
            AssertWithinOnePercent(Exact(all, percentile), merged.ValueAtPercentile(percentile), percentile);
        }
    }

    [Fact]
    public void SmallValuesAreExactToTheNanosecondAndMicrosecondsAreResolved()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(0);
        histogram.Record(1);
        histogram.Record(127);
        histogram.Record(-5);

        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(127, histogram.ValueAtPercentile(100));

        var micro = new LatencyHistogram();
        foreach (var microseconds in new[] { 1, 2, 3, 10, 59 })
        {
            micro.Record(microseconds * 1_000L);
        }
        Assert.Equal(3_000, micro.ValueAtPercentile(50), 3_000 * 0.004);
        Assert.Equal(1_000, micro.MinNanoseconds);
    }

    [Fact]
    public void LargeValuesUpToAnHourStayWithinTheBoundAndBeyondTheRangeOnlyTheMaxIsExact()
    {
        var histogram = new LatencyHistogram();
        var minute = 60_000_000_000L;
        histogram.Record(minute);
        histogram.Record(30 * minute);
        AssertWithinOnePercent(minute, histogram.ValueAtPercentile(50), 50);
        AssertWithinOnePercent(30 * minute, histogram.ValueAtPercentile(99), 99);

        var beyond = LatencyHistogram.HighestTrackableNanoseconds * 4;
        histogram.Record(beyond);
        Assert.Equal(beyond, histogram.MaxNanoseconds);
        Assert.Equal(beyond, histogram.ValueAtPercentile(100));
        Assert.Equal(3, histogram.TotalCount);
    }

    [Fact]
    public void ConcurrentRecordingLosesNothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                histogram.Record(1_000 + (i % 5_000) * 100L);
            }
        });

        Assert.Equal(400_000, histogram.TotalCount);
        Assert.Equal(1_000, histogram.MinNanoseconds);
        Assert.Equal(1_000 + 4_999 * 100L, histogram.MaxNanoseconds);
    }

    [Fact]
    public void AnEmptyHistogramReportsZeros()
    {
        var summary = new LatencyHistogram().Summarize();

        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0), summary);
    }
}
