using System.Diagnostics;

namespace Backend.Runtime.Bench;

/// <summary>Runs an operation from many concurrent workers for a fixed time and summarises its latency.</summary>
internal static class LoadRun
{
    public static async Task<LoadResult> MeasureAsync(string name, int workers, TimeSpan duration, Func<int, long, Task> operation)
    {
        // A short warm-up fills pools, JIT-compiles and creates activations before the clock starts.
        await RunAsync(workers, TimeSpan.FromMilliseconds(300), operation);
        var (latencies, elapsed) = await RunAsync(workers, duration, operation);
        latencies.Sort();
        return new LoadResult(name, workers, latencies.Count, latencies.Count / elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<(List<double> Latencies, TimeSpan Elapsed)> RunAsync(int workers, TimeSpan duration, Func<int, long, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var perWorker = await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<double>(64 * 1024);
            for (long i = 0; clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(worker, i);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return latencies;
        })));
        var elapsed = clock.Elapsed;
        return ([.. perWorker.SelectMany(l => l)], elapsed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}

internal sealed record LoadResult(string Name, int Workers, long Calls, double PerSecond, double P50Milliseconds, double P99Milliseconds)
{
    public override string ToString() =>
        $"{Name,-46} {Workers,3} workers {PerSecond,10:N0} /s   p50 {P50Milliseconds,7:N3} ms   p99 {P99Milliseconds,7:N3} ms";
}
