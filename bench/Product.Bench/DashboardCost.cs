using System.Diagnostics;
using System.Globalization;
using Backend.Grains;
using Backend.LoadGen;
using Backend.Grains.Dashboard;
using Microsoft.Extensions.Options;

namespace Backend.Product.Bench;

/// <summary>
/// What the dashboard's collection costs (target: at most 5 % of step throughput): the same closed-loop step run
/// against two Api processes that differ only in <c>Dashboard:Enabled</c>, alternated (on, off, on, off) so the
/// machine's changing background load falls on both alike; and, since that comparison drowns in the background load
/// of a shared machine, the counting's own CPU per step timed in process, set against a step's server CPU. The
/// target (at most 5 %) is checked on the latter.
/// </summary>
internal static class DashboardCost
{
    /// <summary>
    /// The comparison, with each run's result. <c>Own…</c>: the product's dashboard alone (Orleans' off) against none;
    /// <c>OrleansCpuCost</c>: Orleans' dashboard on top of the product's (CPU per step, minus one).
    /// </summary>
    public sealed record Figure(
        DateTimeOffset At,
        string Command,
        double StepsPerSecondEnabled,
        double StepsPerSecondDisabled,
        double ThroughputCost,
        double ServerCpuPerStepEnabledUs,
        double ServerCpuPerStepDisabledUs,
        double CpuCost,
        double RecordingCpuPerStepNs,
        double RecordingShareOfStepCpu,
        bool Met,
        IReadOnlyList<ScenarioResult> Runs,
        double StepsPerSecondOwnOnly = 0,
        double ServerCpuPerStepOwnOnlyUs = 0,
        double OwnThroughputCost = 0,
        double OwnCpuCost = 0,
        double OrleansCpuCost = 0);

    /// <summary>
    /// Three Apis alternated after a warm-up each: everything on (the default), the product's dashboard with Orleans'
    /// off, and <c>Dashboard:Enabled=false</c>. The target (at most 5 % of step throughput) is the product's
    /// aggregation's: own-only against none, end to end, and its counting timed in process.
    /// </summary>
    public static async Task<Figure> RunAsync(LoadScenarios enabled, LoadScenarios disabled, LoadScenarios ownOnly, BenchArguments options, int rounds = 2)
    {
        foreach (var (scenarios, name) in new[] { (enabled, "on"), (ownOnly, "own"), (disabled, "off") })
        {
            await scenarios.WarmUpAsync(LoadMode.Step, options.Seconds(20));
        }
        var on = new List<ScenarioResult>();
        var own = new List<ScenarioResult>();
        var off = new List<ScenarioResult>();
        for (var round = 1; round <= rounds; round++)
        {
            on.Add(await StepAsync(enabled, $"dashboard-on-{round}", "Session step, both dashboards enabled (the default), closed loop, 32 users", options));
            own.Add(await StepAsync(ownOnly, $"dashboard-own-{round}", "Session step, the product's dashboard only (Dashboard:Orleans=false), closed loop, 32 users", options));
            off.Add(await StepAsync(disabled, $"dashboard-off-{round}", "Session step, Dashboard:Enabled=false, closed loop, 32 users", options));
        }
        var (stepsOn, stepsOwn, stepsOff) = (on.Average(r => r.OperationsPerSecond), own.Average(r => r.OperationsPerSecond), off.Average(r => r.OperationsPerSecond));
        var (cpuOn, cpuOwn, cpuOff) = (on.Average(r => r.ServerCpuPerRequestUs), own.Average(r => r.ServerCpuPerRequestUs), off.Average(r => r.ServerCpuPerRequestUs));
        var throughputCost = stepsOff > 0 ? 1 - stepsOn / stepsOff : 0;
        var cpuCost = cpuOff > 0 ? cpuOn / cpuOff - 1 : 0;
        var ownThroughputCost = stepsOff > 0 ? 1 - stepsOwn / stepsOff : 0;
        var ownCpuCost = cpuOff > 0 ? cpuOwn / cpuOff - 1 : 0;
        var orleansCpuCost = cpuOwn > 0 ? cpuOn / cpuOwn - 1 : 0;
        var recordingNs = RecordingCpuPerStepNs();
        var share = cpuOff > 0 ? recordingNs / (cpuOff * 1000) : 0;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dashboard recording: {recordingNs:0} ns of CPU per step, {share:0.000 %} of a step's server CPU"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dashboard cost: {stepsOn:0} steps/s both on, {stepsOwn:0} own only, {stepsOff:0} off; CPU/step {cpuOn:0} / {cpuOwn:0} / {cpuOff:0} µs; " +
            $"own dashboard {ownCpuCost:+0.0 %;-0.0 %} CPU ({ownThroughputCost:+0.0 %;-0.0 %} throughput), Orleans' dashboard on top {orleansCpuCost:+0.0 %;-0.0 %} CPU"));
        return new Figure(DateTimeOffset.UtcNow, options.Command, stepsOn, stepsOff, throughputCost, cpuOn, cpuOff, cpuCost, recordingNs, share,
            share <= 0.05 && ownThroughputCost <= 0.05, [.. on.Zip(own, off).SelectMany(p => new[] { p.First, p.Second, p.Third })],
            stepsOwn, cpuOwn, ownThroughputCost, ownCpuCost, orleansCpuCost);
    }

    /// <summary>
    /// The CPU the dashboard's counting adds to one step, timed in this process on two threads: what the endpoint
    /// records (status, latency), what the session grain records (status change, screens, recent session), and the
    /// reporter's drain of recent sessions. Independent of the machine's background load, unlike the runs above.
    /// </summary>
    private static double RecordingCpuPerStepNs()
    {
        var stats = new FlowStats(Options.Create(new FlowDashboardOptions()), TimeProvider.System);
        const int Steps = 2_000_000;
        var key = FlowSessionKey.Of("bench-token");
        void Record(int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                stats.RecordRequest("sign_up", 200, TimeSpan.FromMilliseconds(3 + (i & 7)));
                stats.RecordStep("sign_up", null, null, "LOGIN", "LOGIN");
                stats.RecordStatus("sign_up", FlowSessionStatus.Open, FlowSessionStatus.Open);
                stats.RecordSession(new RecentSession(key, "0123456789ab", "sign_up", FlowSessionStatus.Open, "LOGIN", DateTimeOffset.UtcNow));
                if ((i & 255) == 0)
                {
                    stats.DrainEvents();
                }
            }
        }
        Record(Steps / 10);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Parallel.For(0, 2, _ => Record(Steps / 2));
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return used.TotalNanoseconds / Steps;
    }

    private static async Task<ScenarioResult> StepAsync(LoadScenarios scenarios, string id, string title, BenchArguments options)
    {
        var (_, result) = await scenarios.RunAsync(id, title,
            scenarios.Options(LoadMode.Step, 32, null, options.Seconds(3), options.Seconds(15)), null, null, (_, _) => []);
        return result;
    }
}
