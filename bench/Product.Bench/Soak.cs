using System.Diagnostics;
using Backend.LoadGen;

namespace Backend.Product.Bench;

/// <summary>
/// The soak: sign-up journeys at half the peak for some minutes, the Api's RSS sampled every 10 s; memory is flat when
/// the last third's mean is within 10 % of the first third's, after a warm-up (collection age plus a quantum, at most
/// half the soak) in which the activations reach their steady number.
/// </summary>
internal static class Soak
{
    private static readonly TimeSpan s_sampleEvery = TimeSpan.FromSeconds(10);

    public static async Task<SoakSummary> RunAsync(ApiProcess api, LoadScenarios scenarios, MachineInfo machine, BenchArguments options, double minutes)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var (_, peak) = await scenarios.RunAsync("soak-peak", "Sign-up journeys, closed loop, 16 users (the soak's peak)",
            scenarios.Options(LoadMode.Journey, 16, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)), null, null, (_, _) => []);
        var rate = Math.Max(0.5, Math.Round(peak.OperationsPerSecond / 2, 1));
        var length = TimeSpan.FromMinutes(minutes);
        var warmup = TimeSpan.FromSeconds(Math.Min(80, length.TotalSeconds / 2)); // collection age 60 s + quantum 20 s

        var samples = new List<MemorySample>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(s_sampleEvery);
            try
            {
                do
                {
                    lock (samples)
                    {
                        samples.Add(new MemorySample(Math.Round(clock.Elapsed.TotalSeconds, 1), Math.Round(api.RssMb, 1)));
                    }
                }
                while (await timer.WaitForNextTickAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
                // The soak's load ended.
            }
        });
        var load = scenarios.Options(LoadMode.Journey, 16, rate, TimeSpan.Zero, length);
        var (_, result) = await scenarios.RunAsync("soak", $"Sign-up journeys, open loop at 50 % of peak ({rate}/s), {minutes} min", load, null, null, (_, _) => []);
        await stop.CancelAsync();
        await sampler;

        var steady = samples.Where(s => s.Seconds >= warmup.TotalSeconds).ToList();
        var third = Math.Max(1, steady.Count / 3);
        var first = steady.Count > 0 ? steady.Take(third).Average(s => s.RssMb) : 0;
        var last = steady.Count > 0 ? steady.TakeLast(third).Average(s => s.RssMb) : 0;
        var change = first > 0 ? last / first - 1 : 0;
        var flat = steady.Count >= 3 && Math.Abs(change) <= 0.10;
        Console.Error.WriteLine($"== soak: RSS first third {first:0.0} MB, last third {last:0.0} MB ({change:+0.0%;-0.0%}), {(flat ? "flat" : "NOT flat")} over {steady.Count} samples after {warmup.TotalSeconds:0} s");
        return new SoakSummary(startedAt, options.Command, machine, minutes, "journey", peak.OperationsPerSecond, rate, 60, warmup.TotalSeconds,
            samples, Math.Round(first, 1), Math.Round(last, 1), Math.Round(change, 4), flat, result);
    }
}
