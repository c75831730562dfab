using System.Globalization;
using Backend.LoadGen;

namespace Backend.Product.Bench;

/// <summary>
/// The local cluster with 1, 2 and 3 silo processes behind one Api client (docs/capacity.md): the same closed-loop step
/// against each, after a warm-up, and the server's CPU per step (Api + every silo + PostgreSQL). On a machine with more
/// cores than silos this shows whether adding silos adds cost per step (it should not: a session lives on one silo,
/// and a step touches one session); on this 2-core machine the silos also compete for the same cores.
/// </summary>
internal static class Scaling
{
    /// <summary>One topology's figures.</summary>
    /// <param name="Silos">Silo processes.</param>
    /// <param name="Run">The measured step run.</param>
    public sealed record Point(int Silos, ScenarioResult Run);

    /// <summary>All of them.</summary>
    public sealed record Figure(DateTimeOffset At, string Command, IReadOnlyList<Point> Points);

    public static async Task<Figure> RunAsync(Func<int, Task<ClusteredTopology>> startClustered, BenchArguments options, int maxSilos = 3)
    {
        var points = new List<Point>();
        for (var silos = 1; silos <= maxSilos; silos++)
        {
            Console.Error.WriteLine($"== scaling: {silos} silo(s), one Api client");
            using var cluster = await startClustered(silos);
            await cluster.Scenarios.WarmUpAsync(LoadMode.Step, options.Seconds(20));
            var (_, run) = await cluster.Scenarios.RunAsync($"scaling-{silos}-silos", $"Session step, {silos} silo(s) and one Api client, closed loop, 32 users",
                cluster.Scenarios.Options(LoadMode.Step, 32, null, TimeSpan.FromSeconds(3), options.Seconds(20)), null, null, (_, _) => []);
            points.Add(new Point(silos, run));
        }
        foreach (var point in points)
        {
            var r = point.Run;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scaling {point.Silos} silo(s): {r.OperationsPerSecond:0} steps/s; CPU per step: Api {r.ApiCpuPerRequestUs:0} µs + silos {r.SiloCpuPerRequestUs:0} µs + PostgreSQL {r.PostgresCpuPerRequestUs:0} µs = {r.ServerCpuPerRequestUs:0} µs"));
        }
        return new Figure(DateTimeOffset.UtcNow, options.Command, points);
    }
}
