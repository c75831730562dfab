using Backend.LoadGen.Measurement;

namespace Backend.LoadGen.Tests;

/// <summary>
/// The accuracy figures docs/load-testing.md gives for the histogram flows-load keeps, on the latency shapes of
/// bench/Histogram.Bench: every reported percentile within 1/256 (0.39 %) of the exact nearest-rank value, and
/// min, max and mean exact.
/// </summary>
public sealed class LatencyHistogramAccuracyTests
{
    /// <summary>Half a bucket at the coarsest: 128 buckets per power of two, reported at the midpoint.</summary>
    private const double Bound = 1.0 / 256;

    private static readonly double[] s_percentiles = [50, 90, 99, 99.9];

    public static TheoryData<string> Shapes => ["ping-like", "log-normal", "bimodal", "log-uniform"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ReportedPercentilesAreWithinHalfABucketAndExtremesAndMeanAreExact(string shape)
    {
        var values = Draw(shape, seed: 11, count: 200_000);
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }
        var sorted = values.Order().ToArray();

        foreach (var percentile in s_percentiles)
        {
            var exact = sorted[(int)Math.Ceiling(percentile / 100 * sorted.Length) - 1];
            var reported = histogram.ValueAtPercentile(percentile);
            var error = Math.Abs(reported - exact) / (double)exact;
            Assert.True(error <= Bound, $"{shape} p{percentile}: reported {reported} ns, exact {exact} ns, error {error:P3}");
        }
        Assert.Equal(sorted[^1], histogram.MaxNanoseconds);
        Assert.Equal(sorted[^1], histogram.ValueAtPercentile(100));
        Assert.Equal(sorted[0], histogram.MinNanoseconds);
        Assert.Equal(values.Average(v => (double)v), histogram.MeanNanoseconds, 1e-9 * histogram.MeanNanoseconds);
    }

    [Fact]
    public void P99OfALogNormalAroundFiveMillisecondsIsWithinFourTenthsOfAPercent()
    {
        var values = Draw("log-normal", seed: 3, count: 100_000);
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }
        var exact = values.Order().ElementAt(98_999);

        Assert.Equal(exact, histogram.ValueAtPercentile(99), exact * 0.004);
    }

    /// <summary>The bench's shapes, in nanoseconds: log-normal 400 µs and 5 ms, 95/5 bimodal 3/200 ms, log-uniform 20 µs–10 s.</summary>
    private static long[] Draw(string shape, int seed, int count)
    {
        var random = new Random(seed);
        double LogNormal(double median, double sigma) =>
            median * Math.Exp(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        Func<double> next = shape switch
        {
            "ping-like" => () => LogNormal(400e3, 0.5),
            "log-normal" => () => LogNormal(5e6, 0.7),
            "bimodal" => () => random.NextDouble() < 0.95 ? LogNormal(3e6, 0.35) : LogNormal(200e6, 0.15),
            _ => () => Math.Exp(Math.Log(20e3) + (random.NextDouble() * Math.Log(10e9 / 20e3))),
        };
        return [.. Enumerable.Range(0, count).Select(_ => Math.Max(1, (long)next()))];
    }
}
