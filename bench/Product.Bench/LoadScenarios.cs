using Backend.LoadGen;
using Backend.LoadGen.Reporting;

namespace Backend.Product.Bench;

/// <summary>
/// Runs flows-load in this process against the Api process and turns each report into a <see cref="ScenarioResult"/>:
/// the Api's CPU and peak memory over the run, the tool's own CPU, 5xx counts, and the raw report in the results folder.
/// </summary>
/// <param name="api">The target.</param>
/// <param name="publicKeyPem">The Api's business public key.</param>
/// <param name="appSecret">The Api's Meta app secret (signs every request).</param>
/// <param name="resultsFolder">Where each run's flows-load JSON goes; null to keep none.</param>
/// <param name="postmaster">The PostgreSQL server's process id when it runs here (its CPU is then reported too).</param>
/// <param name="silos">The silo processes when the Api is an Orleans client of a cluster (their CPU is then reported too).</param>
public sealed class LoadScenarios(ApiProcess api, string publicKeyPem, string appSecret, string? resultsFolder, int? postmaster, IReadOnlyList<ApiProcess>? silos = null)
{
    /// <summary>Options for a run of <paramref name="mode"/>; closed loop unless <paramref name="rate"/> is given.</summary>
    public LoadOptions Options(LoadMode mode, int concurrency, double? rate, TimeSpan warmup, TimeSpan duration) => new()
    {
        Url = api.BaseUrl,
        PublicKeyPem = publicKeyPem,
        AppSecret = appSecret,
        Mode = mode,
        Concurrency = concurrency,
        Rate = rate,
        Warmup = warmup,
        Duration = duration,
        MaxDuration = warmup + duration + TimeSpan.FromSeconds(60),
    };

    /// <summary>An unrecorded warm-up of <paramref name="mode"/>, 32 users (the JIT tiers up for a minute under load).</summary>
    public Task WarmUpAsync(LoadMode mode, TimeSpan duration) =>
        RunAsync("warmup-" + mode.ToString().ToLowerInvariant(), "warm-up", Options(mode, 32, null, TimeSpan.FromSeconds(3), duration), null, null, (_, _) => []);

    /// <summary>Runs one load and measures the Api around it.</summary>
    public async Task<(LoadReport Report, ScenarioResult Result)> RunAsync(
        string id, string title, LoadOptions options, string? ceilingName, double? ceiling, Func<LoadReport, ScenarioResult, IReadOnlyList<TargetCheck>> targets)
    {
        Console.Error.WriteLine($"== {id}: {title}");
        api.ResetPeakMemory();
        // CPU over the measured period: counters taken when the warm-up ends and when the run ends.
        var atMeasureStart = Task.Delay(options.Warmup).ContinueWith(_ => CpuSnapshot.Take(api, silos ?? [], postmaster), TaskScheduler.Default);
        var report = await new LoadRunner(options, Console.Error).RunAsync();
        var cpu = CpuSnapshot.Take(api, silos ?? [], postmaster).Since(await atMeasureStart);
        if (resultsFolder is not null && !id.StartsWith("warmup", StringComparison.Ordinal)) // warm-ups are thrown away
        {
            await File.WriteAllTextAsync(Path.Combine(resultsFolder, id + ".json"), report.ToJson() + "\n");
        }
        var serverErrors = report.Responses.Where(r => r.Key.StartsWith('5')).Sum(r => r.Value);
        var throughput = report.Mode == "ping" ? report.Throughput.RequestsPerSecond : report.Throughput.OperationsPerSecond;
        var ratio = ceiling is > 0 ? throughput / ceiling : null;
        var result = new ScenarioResult(
            id,
            title,
            report.Mode,
            report.Loop,
            report.Settings.Concurrency,
            report.Settings.RateTarget,
            report.Throughput.OperationsPerSecond,
            report.Throughput.RequestsPerSecond,
            ceilingName,
            ceiling is null ? null : Math.Round(ceiling.Value, 1),
            ratio is null ? null : Math.Round(ratio.Value, 4),
            report.Throughput.MeasuredSeconds,
            report.Latency,
            report.Errors.Total,
            serverErrors,
            report.Usage.CoresUsed,
            cpu.Api,
            cpu.Postgres,
            cpu.Machine,
            Math.Round(api.PeakRssMb, 1),
            MachineInfo.LoadAverage(),
            report.Passed && serverErrors == 0,
            [],
            cpu.Silo);
        result = result with { Targets = targets(report, result) };
        ReportPrinter.Print(report, Console.Error);
        Console.Error.WriteLine($"   Api: {result.ApiCores:0.00} cores (silo {result.SiloCores:0.00}, Postgres {result.PostgresCores:0.00}, machine {result.MachineCores:0.00}), peak RSS {result.ApiPeakRssMb:0} MB; ratio {(ratio is null ? "-" : ratio.Value.ToString("P1"))}; load average {result.LoadAverage}");
        Console.Error.WriteLine($"   server CPU per request: {result.ServerCpuPerRequestUs:0} µs");
        return (report, result);
    }
}
