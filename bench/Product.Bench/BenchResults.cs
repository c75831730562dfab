using System.Text.Json;
using Backend.LoadGen.Measurement;

namespace Backend.Product.Bench;

/// <summary>One of the product's performance targets (bench/README.md), checked against a run.</summary>
/// <param name="What">The figure, e.g. "throughput / RSA ceiling".</param>
/// <param name="Required">The target, e.g. "≥ 85 %".</param>
/// <param name="Measured">The figure measured.</param>
/// <param name="Met">Whether the target is met.</param>
public sealed record TargetCheck(string What, string Required, string Measured, bool Met);

/// <summary>One load run against the Api and what it showed.</summary>
/// <param name="Id">Short name, also the results file's (<c>results/{Id}.json</c>, flows-load's own JSON).</param>
/// <param name="Title">What the run is.</param>
/// <param name="Mode">flows-load mode: ping, step or journey.</param>
/// <param name="Loop">closed or open.</param>
/// <param name="Concurrency">Closed loop: virtual users.</param>
/// <param name="Rate">Open loop: operations started per second.</param>
/// <param name="OperationsPerSecond">Measured pings, steps or journeys per second.</param>
/// <param name="RequestsPerSecond">Measured HTTP requests per second.</param>
/// <param name="CeilingName">The ceiling the throughput is compared with, if any.</param>
/// <param name="Ceiling">Its value, measured in the same run (per second).</param>
/// <param name="Ratio">Throughput over ceiling.</param>
/// <param name="MeasuredSeconds">Measured period.</param>
/// <param name="Latency">Latency per step (ms).</param>
/// <param name="Failures">Verification failures, warm-up included.</param>
/// <param name="ServerErrors">5xx answers, warm-up included.</param>
/// <param name="ToolCores">CPU of the load generator (this process) in cores over the measured period.</param>
/// <param name="ApiCores">CPU of the Api process in cores over the measured period.</param>
/// <param name="PostgresCores">CPU of the PostgreSQL server (all its processes) over the measured period, when it runs here.</param>
/// <param name="MachineCores">CPU of the whole machine over the measured period: the above plus other engineers' work.</param>
/// <param name="ApiPeakRssMb">Peak resident memory of the Api during the run (VmHWM, reset before the run).</param>
/// <param name="LoadAverage">The machine's load average at the end of the run (other engineers' work included).</param>
/// <param name="Passed">flows-load passed: no failure, no 5xx, the run did what it was asked.</param>
/// <param name="Targets">The targets this run checks.</param>
/// <param name="SiloCores">CPU of the silo process in the clustered topology (the Api is then an Orleans client).</param>
public sealed record ScenarioResult(
    string Id,
    string Title,
    string Mode,
    string Loop,
    int? Concurrency,
    double? Rate,
    double OperationsPerSecond,
    double RequestsPerSecond,
    string? CeilingName,
    double? Ceiling,
    double? Ratio,
    double MeasuredSeconds,
    IReadOnlyDictionary<string, LatencySummary> Latency,
    long Failures,
    long ServerErrors,
    double ToolCores,
    double ApiCores,
    double? PostgresCores,
    double MachineCores,
    double ApiPeakRssMb,
    string LoadAverage,
    bool Passed,
    IReadOnlyList<TargetCheck> Targets,
    double? SiloCores = null)
{
    /// <summary>CPU of every server process (Api, silo, PostgreSQL) per HTTP request, in µs.</summary>
    public double ServerCpuPerRequestUs => PerRequestUs(ApiCores + (SiloCores ?? 0) + (PostgresCores ?? 0));

    /// <summary>CPU of the Api process per HTTP request, in µs.</summary>
    public double ApiCpuPerRequestUs => PerRequestUs(ApiCores);

    /// <summary>CPU of the silo process per HTTP request (clustered topology), in µs.</summary>
    public double? SiloCpuPerRequestUs => SiloCores is { } cores ? PerRequestUs(cores) : null;

    /// <summary>CPU of PostgreSQL per HTTP request, in µs.</summary>
    public double? PostgresCpuPerRequestUs => PostgresCores is { } cores ? PerRequestUs(cores) : null;

    /// <summary>
    /// The efficiency of docs/performance.md: the CPU of one RSA decryption (<paramref name="rsaCpuUs"/>, the ceiling of the same run)
    /// over the server's CPU per request. 100 % would mean the request costs nothing but its decryption.
    /// </summary>
    public double? Efficiency(double rsaCpuUs) => ServerCpuPerRequestUs > 0 && rsaCpuUs > 0 ? rsaCpuUs / ServerCpuPerRequestUs : null;

    private double PerRequestUs(double cores) => RequestsPerSecond > 0 ? cores / RequestsPerSecond * 1e6 : 0;
}

/// <summary>A whole bench run: machine, ceilings, scenarios.</summary>
/// <param name="StartedAt">When the run started (UTC).</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Command">The command that produced it.</param>
/// <param name="Machine">The machine.</param>
/// <param name="Postgres">How the database was run (throwaway or given; durability settings).</param>
/// <param name="PasswordIterations">PBKDF2 iterations configured in the Api.</param>
/// <param name="Rsa">RSA-OAEP-SHA256 decryptions per second, all cores, Api idle.</param>
/// <param name="Pbkdf2">PBKDF2-SHA256 hashes per second at <paramref name="PasswordIterations"/>, all cores, Api idle.</param>
/// <param name="LoadAverageAtStart">The machine's load average before the ceilings.</param>
/// <param name="Scenarios">The load runs, in order.</param>
/// <param name="StoredState">What the runs left in <c>grain_state</c>, per grain type: rows and stored payload size.</param>
/// <param name="Passed">Every run passed (no failure, no 5xx).</param>
/// <param name="Problems">What made the run fail, if anything.</param>
/// <param name="Memory">Memory per idle session activation and for 100,000 live sessions.</param>
public sealed record BenchSummary(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Command,
    MachineInfo Machine,
    string Postgres,
    int PasswordIterations,
    Ceiling Rsa,
    Ceiling Pbkdf2,
    string LoadAverageAtStart,
    IReadOnlyList<ScenarioResult> Scenarios,
    IReadOnlyList<StoredGrainState> StoredState,
    bool Passed,
    IReadOnlyList<string> Problems,
    SessionMemory? Memory = null);

/// <summary>Rows of one grain type in <c>grain_state</c> at the end of the bench.</summary>
/// <param name="GrainType">The grain type.</param>
/// <param name="Rows">Rows.</param>
/// <param name="MeanPayloadBytes">Mean stored (possibly compressed) size of the payload (JSON text).</param>
/// <param name="MaxPayloadBytes">Largest stored payload.</param>
public sealed record StoredGrainState(string GrainType, long Rows, double MeanPayloadBytes, long MaxPayloadBytes);

/// <summary>The Api's resident memory at one moment of a soak.</summary>
/// <param name="Seconds">Since the soak's load started.</param>
/// <param name="RssMb">VmRSS.</param>
public sealed record MemorySample(double Seconds, double RssMb);

/// <summary>A soak: load at half the peak for a while, the Api's memory sampled every 10 s.</summary>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="Command">The command.</param>
/// <param name="Machine">The machine.</param>
/// <param name="Minutes">Length of the soak's load.</param>
/// <param name="Mode">flows-load mode used.</param>
/// <param name="PeakPerSecond">Saturation throughput measured just before (operations per second).</param>
/// <param name="Rate">The soak's open-loop rate (half the peak).</param>
/// <param name="CollectionAgeSeconds">The Api's idle-activation age for the soak.</param>
/// <param name="WarmupSeconds">Samples before this are left out of the comparison.</param>
/// <param name="Samples">Every sample.</param>
/// <param name="FirstThirdMb">Mean RSS of the first third after warm-up.</param>
/// <param name="LastThirdMb">Mean RSS of the last third.</param>
/// <param name="Change">Last over first, minus one.</param>
/// <param name="Flat">Change within ±10 %.</param>
/// <param name="Load">The soak's load run.</param>
public sealed record SoakSummary(
    DateTimeOffset StartedAt,
    string Command,
    MachineInfo Machine,
    double Minutes,
    string Mode,
    double PeakPerSecond,
    double Rate,
    double CollectionAgeSeconds,
    double WarmupSeconds,
    IReadOnlyList<MemorySample> Samples,
    double FirstThirdMb,
    double LastThirdMb,
    double Change,
    bool Flat,
    ScenarioResult Load);

/// <summary>Reads and writes the results files (snake_case JSON).</summary>
public static class ResultsFiles
{
    /// <summary>The bench run's summary, under the results folder.</summary>
    public const string Summary = "summary.json";

    /// <summary>The last soak's summary, under the results folder.</summary>
    public const string Soak = "soak.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Writes <paramref name="value"/> as JSON.</summary>
    public static void Write<T>(string file, T value) => File.WriteAllText(file, JsonSerializer.Serialize(value, s_json) + "\n");

    /// <summary>Reads a file written by <see cref="Write{T}"/>, or null when it does not exist.</summary>
    public static T? Read<T>(string file) where T : class =>
        File.Exists(file) ? JsonSerializer.Deserialize<T>(File.ReadAllText(file), s_json) : null;
}
