using System.Diagnostics;
using System.Globalization;
using Backend.FlowCatalog;
using Backend.Grains;
using Backend.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backend.Product.Bench;

/// <summary>Memory of idle session activations, measured on the managed heap after full collections.</summary>
/// <param name="Sessions">Sessions issued (each one an activation kept idle, its state saved in PostgreSQL).</param>
/// <param name="BytesPerSessionAtTenth">Managed heap growth per session after the first tenth of them.</param>
/// <param name="BytesPerSession">Managed heap growth per session after all of them: one idle activation's memory.</param>
/// <param name="HeapGrowthMb">Managed heap growth for all of them.</param>
/// <param name="RssGrowthMb">The process's resident memory growth meanwhile (the heap's headroom included).</param>
/// <param name="IssuedPerSecond">Sessions issued per second (grain calls with a database insert each).</param>
public sealed record SessionMemory(int Sessions, double BytesPerSessionAtTenth, double BytesPerSession, double HeapGrowthMb, double RssGrowthMb, double IssuedPerSecond);

/// <summary>
/// The memory figures of docs/performance.md: bytes per idle session activation and the memory of 100,000 live sessions. A silo
/// runs in this process (the product's own hosting, <see cref="SiloHostingExtensions.AddFlowSilo"/>, state in
/// the bench's PostgreSQL, the dashboard off) so the managed heap can be read after a full, compacting collection:
/// exact, where another process's resident memory would include its collector's headroom.
/// </summary>
internal static class SessionMemoryProbe
{
    public static async Task<SessionMemory> RunAsync(string connectionString, int sessions = 100_000, int concurrency = 64)
    {
        Console.Error.WriteLine($"== memory: {sessions:N0} idle session activations in an in-process silo");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Storage"] = "Postgres",
            ["Cluster:ConnectionString"] = connectionString,
            ["Cluster:ServiceId"] = "bench-memory",
            ["Cluster:SiloPort"] = "0",
            ["Cluster:GatewayPort"] = "-1",
            ["Dashboard:Enabled"] = "false",
        });
        builder.AddFlowCatalog();
        builder.AddFlowSilo();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var next = 0;
            async Task IssueAsync(int count)
            {
                var end = next + count;
                await Parallel.ForAsync(next, end, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
                    await grains.GetFlowSession("bench-memory-" + i.ToString(CultureInfo.InvariantCulture))
                        .Issue(new FlowSessionIssue("sign_up", "15550001111", TimeSpan.Zero)));
                next = end;
            }

            await IssueAsync(1_000); // warm-up: JIT, pools, the directory's first growth
            var (heap0, rss0) = Measure();
            var clock = Stopwatch.StartNew();
            await IssueAsync(sessions / 10);
            var (heapTenth, _) = Measure();
            await IssueAsync(sessions - sessions / 10);
            var rate = sessions / clock.Elapsed.TotalSeconds;
            var (heap1, rss1) = Measure();
            var result = new SessionMemory(sessions,
                Math.Round((heapTenth - heap0) / (double)(sessions / 10)),
                Math.Round((heap1 - heap0) / (double)sessions),
                Math.Round((heap1 - heap0) / 1048576.0, 1),
                Math.Round((rss1 - rss0) / 1048576.0, 1),
                Math.Round(rate));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {result.BytesPerSession:N0} B per idle session ({result.BytesPerSessionAtTenth:N0} B after {sessions / 10:N0}); {result.HeapGrowthMb:0.0} MB of heap, {result.RssGrowthMb:0.0} MB of RSS for {sessions:N0}; {result.IssuedPerSecond:0} issued/s"));
            return result;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static (long Heap, long Rss) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64);
    }
}
