namespace Backend.Histogram.Bench;

/// <summary>A named set of latencies in nanoseconds (Stopwatch ticks on Linux).</summary>
/// <param name="Name">How the table names it.</param>
/// <param name="Values">The values, in the order they were drawn.</param>
internal sealed record Distribution(string Name, long[] Values);

/// <summary>Latency shapes a load test meets, drawn from a seeded generator so every run sees the same values.</summary>
internal static class Distributions
{
    /// <summary>The four shapes, <paramref name="count"/> values each.</summary>
    public static Distribution[] All(int seed, int count)
    {
        var random = new Random(seed);
        return
        [
            new("ping-like: log-normal, median 400 µs", Draw(count, () => LogNormal(random, 400e3, 0.5))),
            new("log-normal, median 5 ms (~1–50 ms)", Draw(count, () => LogNormal(random, 5e6, 0.7))),
            new("bimodal: 95 % ~3 ms, 5 % ~200 ms", Draw(count, () => random.NextDouble() < 0.95 ? LogNormal(random, 3e6, 0.35) : LogNormal(random, 200e6, 0.15))),
            new("log-uniform 20 µs – 10 s", Draw(count, () => Math.Exp(Math.Log(20e3) + (random.NextDouble() * Math.Log(10e9 / 20e3))))),
        ];
    }

    private static long[] Draw(int count, Func<double> next)
    {
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Math.Max(1, (long)next());
        }
        return values;
    }

    /// <summary>exp(N(ln median, sigma²)), the normal drawn by Box–Muller.</summary>
    private static double LogNormal(Random random, double median, double sigma)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return median * Math.Exp(sigma * normal);
    }
}
