using System.Diagnostics;
using System.Globalization;
using Backend.Grains;
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
    /// <summary>The comparison, with each run's result.</summary>
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
        IReadOnlyList<ScenarioResult> Runs);

    public static async Task<Figure> RunAsync(LoadScenarios enabled, LoadScenarios disabled, BenchArguments options, int rounds = 2)
    {
        var on = new List<ScenarioResult>();
        var off = new List<ScenarioResult>();
        for (var round = 1; round <= rounds; round++)
        {
            on.Add(await StepAsync(enabled, $"dashboard-on-{round}", "Session step, dashboard collection enabled, closed loop, 32 users", options));
            off.Add(await StepAsync(disabled, $"dashboard-off-{round}", "Session step, Dashboard:Enabled=false, closed loop, 32 users", options));
        }
        var (stepsOn, stepsOff) = (on.Average(r => r.OperationsPerSecond), off.Average(r => r.OperationsPerSecond));
        var (cpuOn, cpuOff) = (on.Average(r => r.ServerCpuPerRequestUs), off.Average(r => r.ServerCpuPerRequestUs));
        var throughputCost = stepsOff > 0 ? 1 - stepsOn / stepsOff : 0;
        var cpuCost = cpuOff > 0 ? cpuOn / cpuOff - 1 : 0;
        var recordingNs = RecordingCpuPerStepNs();
        var share = cpuOff > 0 ? recordingNs / (cpuOff * 1000) : 0;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dashboard recording: {recordingNs:0} ns of CPU per step, {share:0.000 %} of a step's server CPU"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dashboard cost: {stepsOn:0} steps/s enabled, {stepsOff:0} disabled ({throughputCost:+0.0 %;-0.0 %}); CPU/step {cpuOn:0} µs vs {cpuOff:0} µs ({cpuCost:+0.0 %;-0.0 %})"));
        return new Figure(DateTimeOffset.UtcNow, options.Command, stepsOn, stepsOff, throughputCost, cpuOn, cpuOff, cpuCost, recordingNs, share,
            share <= 0.05, [.. on.Zip(off).SelectMany(p => new[] { p.First, p.Second })]);
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
            scenarios.Options(Backend.LoadGen.LoadMode.Step, 32, null, options.Seconds(3), options.Seconds(15)), null, null, (_, _) => []);
        return result;
    }
}
