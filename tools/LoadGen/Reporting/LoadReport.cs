using System.Text.Json;
using System.Text.Json.Serialization;
using Backend.LoadGen.Measurement;

namespace Backend.LoadGen.Reporting;

/// <summary>
/// The results of a run, as printed and as written by <c>--json</c> (snake_case; the schema is documented in
/// docs/load-testing.md). Latencies are milliseconds with microsecond precision.
/// </summary>
/// <param name="Tool">Always <c>flows-load</c>.</param>
/// <param name="SchemaVersion">Bumped when a field changes meaning or goes away.</param>
/// <param name="StartedAt">When the run started (UTC).</param>
/// <param name="Mode"><c>ping</c>, <c>journey</c> or <c>step</c>.</param>
/// <param name="Loop"><c>closed</c> or <c>open</c>.</param>
/// <param name="Target">The data endpoint URL.</param>
/// <param name="RunId">The run's tag in emails.</param>
/// <param name="Settings">The options that shape the figures.</param>
/// <param name="Throughput">Requests and operations per second over the measured period.</param>
/// <param name="Latency">Per step (only steps that ran), measured period only.</param>
/// <param name="ScheduleLag">Open loop: how late the dispatcher started operations (already inside the latencies).</param>
/// <param name="Errors">Failures of the whole run, warm-up included.</param>
/// <param name="Responses">Answers by HTTP status, warm-up included.</param>
/// <param name="Usage">The tool's own CPU and memory over the measured period.</param>
/// <param name="Passed">No failure, and the run did what it was asked.</param>
/// <param name="Notes">Anything that qualifies the figures.</param>
public sealed record LoadReport(
    string Tool,
    int SchemaVersion,
    DateTimeOffset StartedAt,
    string Mode,
    string Loop,
    string Target,
    string RunId,
    RunSettings Settings,
    ThroughputFigures Throughput,
    IReadOnlyDictionary<string, LatencySummary> Latency,
    LatencySummary? ScheduleLag,
    ErrorFigures Errors,
    IReadOnlyDictionary<string, long> Responses,
    ToolUsage Usage,
    bool Passed,
    IReadOnlyList<string> Notes)
{
    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, LoadReportJsonContext.Default.LoadReport);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    public static LoadReport? FromJson(string json) => JsonSerializer.Deserialize(json, LoadReportJsonContext.Default.LoadReport);
}

/// <summary>The options of the run that shape its figures.</summary>
/// <param name="Concurrency">Closed loop: virtual users; null in open loop.</param>
/// <param name="RateTarget">Open loop: operations per second asked for; null in closed loop.</param>
/// <param name="Connections">HTTP connection limit.</param>
/// <param name="WarmupSeconds">Excluded from the figures.</param>
/// <param name="DurationSeconds">Measured time asked for, if any.</param>
/// <param name="Count">Measured operations asked for, if any.</param>
/// <param name="Signed">Whether requests and webhooks were signed with an app secret.</param>
/// <param name="IssuedTokens">Whether flow tokens came from the admin API.</param>
/// <param name="DuplicateShare">Share of duplicate-email sign-ups.</param>
/// <param name="MismatchShare">Share of password-mismatch sign-ups.</param>
/// <param name="WrongPasswordShare">Share of wrong-password logins.</param>
public sealed record RunSettings(
    int? Concurrency,
    double? RateTarget,
    int Connections,
    double WarmupSeconds,
    double? DurationSeconds,
    long? Count,
    bool Signed,
    bool IssuedTokens,
    double DuplicateShare,
    double MismatchShare,
    double WrongPasswordShare);

/// <summary>Throughput over the measured period.</summary>
/// <param name="MeasuredSeconds">From the end of the warm-up until the last measured operation ended.</param>
/// <param name="Requests">HTTP requests started in the measured period.</param>
/// <param name="RequestsPerSecond">Requests per measured second.</param>
/// <param name="Operations">Journeys (or pings, in ping mode) started in the measured period and ended.</param>
/// <param name="OperationsPerSecond">Operations per measured second.</param>
/// <param name="FailedOperations">Measured operations that failed.</param>
public sealed record ThroughputFigures(
    double MeasuredSeconds, long Requests, double RequestsPerSecond, long Operations, double OperationsPerSecond, long FailedOperations);

/// <summary>Failures, counted over the whole run.</summary>
/// <param name="Total">All failures.</param>
/// <param name="ByKind">By kind: transport, timeout, server_error, unexpected_status, decryption, invalid_json, wrong_screen, wrong_data.</param>
/// <param name="ByStatus">Failures that had an HTTP answer, by status.</param>
/// <param name="Samples">The first few, in full (passwords masked).</param>
public sealed record ErrorFigures(
    long Total, IReadOnlyDictionary<string, long> ByKind, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyList<FailureSample> Samples);

/// <summary>What the tool itself used over the measured period.</summary>
/// <param name="CpuSeconds">Process CPU time (user and kernel) in the measured period.</param>
/// <param name="WallSeconds">Measured wall time.</param>
/// <param name="CoresUsed">CPU seconds per wall second: 1.0 is one core fully busy.</param>
/// <param name="ProcessorCount">Cores the machine offers this process.</param>
/// <param name="PeakWorkingSetMb">Peak resident memory of the process.</param>
/// <param name="ManagedHeapMb">Managed heap size at the end.</param>
/// <param name="Gen0Collections">Garbage collections during the run, by generation.</param>
/// <param name="Gen1Collections">See <paramref name="Gen0Collections"/>.</param>
/// <param name="Gen2Collections">See <paramref name="Gen0Collections"/>.</param>
public sealed record ToolUsage(
    double CpuSeconds,
    double WallSeconds,
    double CoresUsed,
    int ProcessorCount,
    double PeakWorkingSetMb,
    double ManagedHeapMb,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections);

/// <summary>Source-generated JSON for the report.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class LoadReportJsonContext : JsonSerializerContext;
