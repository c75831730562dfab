using System.Globalization;
using Backend.LoadGen;

namespace Backend.Product.Bench;

/// <summary>
/// Before and after in one sitting (issue 15: "for each change that bought CPU, the before/after figure from one
/// sitting"): the current build's Api and a baseline build's Api (another commit, built by <c>bench/run.sh --compare
/// REV</c>), each on its own database of the same PostgreSQL, both warmed up, then the same ping and step runs
/// alternated (baseline, current, baseline, current, …) so the machine's changing background load falls on both alike.
/// The figure compared is server CPU per request (Api + PostgreSQL), which depends far less on that load than
/// throughput does.
/// </summary>
internal static class Compare
{
    /// <summary>One side's mean figures over its rounds.</summary>
    /// <param name="ApiCpuPerRequestUs">Api CPU per request (µs).</param>
    /// <param name="PostgresCpuPerRequestUs">PostgreSQL CPU per request (µs).</param>
    /// <param name="ServerCpuPerRequestUs">Both together (µs).</param>
    /// <param name="RequestsPerSecond">Mean throughput.</param>
    public sealed record Side(double ApiCpuPerRequestUs, double PostgresCpuPerRequestUs, double ServerCpuPerRequestUs, double RequestsPerSecond);

    /// <summary>A scenario's comparison.</summary>
    /// <param name="Scenario">ping or step.</param>
    /// <param name="Baseline">The baseline's figures.</param>
    /// <param name="Current">The current build's.</param>
    /// <param name="ServerCpuChange">Current over baseline server CPU per request, minus one (negative: cheaper).</param>
    public sealed record Row(string Scenario, Side Baseline, Side Current, double ServerCpuChange);

    /// <summary>The whole comparison.</summary>
    public sealed record Figure(DateTimeOffset At, string Command, string Baseline, int Rounds, IReadOnlyList<Row> Rows, IReadOnlyList<ScenarioResult> Runs);

    public static async Task<Figure> RunAsync(LoadScenarios current, LoadScenarios baseline, string baselineName, BenchArguments options, int rounds = 3)
    {
        // Warm-up (JIT tiers, connection pools, the sessions of the step runs): measured, then thrown away.
        foreach (var (scenarios, name) in new[] { (baseline, "baseline"), (current, "current") })
        {
            await RunAsync(scenarios, $"warmup-{name}", LoadMode.Step, options.Seconds(20));
            await RunAsync(scenarios, $"warmup-ping-{name}", LoadMode.Ping, options.Seconds(10));
        }
        var runs = new List<ScenarioResult>();
        var rows = new List<Row>();
        foreach (var mode in new[] { LoadMode.Ping, LoadMode.Step })
        {
            var before = new List<ScenarioResult>();
            var after = new List<ScenarioResult>();
            for (var round = 1; round <= rounds; round++)
            {
                before.Add(await RunAsync(baseline, $"{Name(mode)}-baseline-{round}", mode, options.Seconds(15)));
                after.Add(await RunAsync(current, $"{Name(mode)}-current-{round}", mode, options.Seconds(15)));
            }
            runs.AddRange(before.Zip(after).SelectMany(p => new[] { p.First, p.Second }));
            var (b, c) = (Mean(before), Mean(after));
            rows.Add(new Row(Name(mode), b, c, b.ServerCpuPerRequestUs > 0 ? c.ServerCpuPerRequestUs / b.ServerCpuPerRequestUs - 1 : 0));
        }
        foreach (var row in rows)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"compare {row.Scenario}: server CPU/request {row.Baseline.ServerCpuPerRequestUs:0} µs (Api {row.Baseline.ApiCpuPerRequestUs:0} + PostgreSQL {row.Baseline.PostgresCpuPerRequestUs:0}) at {baselineName} " +
                $"→ {row.Current.ServerCpuPerRequestUs:0} µs (Api {row.Current.ApiCpuPerRequestUs:0} + PostgreSQL {row.Current.PostgresCpuPerRequestUs:0}) now: {row.ServerCpuChange:+0.0 %;-0.0 %}; " +
                $"{row.Baseline.RequestsPerSecond:0} → {row.Current.RequestsPerSecond:0} requests/s"));
        }
        return new Figure(DateTimeOffset.UtcNow, options.Command, baselineName, rounds, rows, runs);
    }

    private static string Name(LoadMode mode) => mode == LoadMode.Ping ? "ping" : "step";

    private static Side Mean(List<ScenarioResult> runs) => new(
        Math.Round(runs.Average(r => r.ApiCpuPerRequestUs), 1),
        Math.Round(runs.Average(r => r.PostgresCpuPerRequestUs ?? 0), 1),
        Math.Round(runs.Average(r => r.ServerCpuPerRequestUs), 1),
        Math.Round(runs.Average(r => r.RequestsPerSecond), 1));

    private static async Task<ScenarioResult> RunAsync(LoadScenarios scenarios, string id, LoadMode mode, TimeSpan duration)
    {
        var (_, result) = await scenarios.RunAsync(id, $"{Name(mode)}, closed loop, 32 users", scenarios.Options(mode, 32, null, TimeSpan.FromSeconds(3), duration),
            null, null, (_, _) => []);
        return result;
    }
}
