using System.Globalization;

namespace Backend.LoadGen.Reporting;

/// <summary>Prints a <see cref="LoadReport"/> as plain text (it reads the same on a terminal and in a log).</summary>
public static class ReportPrinter
{
    /// <summary>Writes the report to <paramref name="output"/>.</summary>
    public static void Print(LoadReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var c = CultureInfo.InvariantCulture;
        var s = report.Settings;
        var shape = report.Loop == "open"
            ? string.Create(c, $"open loop at {s.RateTarget:0.##}/s, {s.Connections} connections")
            : string.Create(c, $"closed loop, {s.Concurrency} virtual users");
        output.WriteLine(string.Create(c, $"flows-load {report.Mode} against {report.Target} ({shape}), run {report.RunId}"));
        var t = report.Throughput;
        output.WriteLine(string.Create(c,
            $"measured {t.MeasuredSeconds:0.00} s: {t.Requests} requests ({t.RequestsPerSecond:0.0}/s), {t.Operations} {(report.Mode switch { "ping" => "pings", "step" => "steps", _ => "journeys" })} ({t.OperationsPerSecond:0.0}/s), {t.FailedOperations} failed"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"step",-22}{"count",10}{"p50 ms",11}{"p90 ms",11}{"p99 ms",11}{"p99.9 ms",11}{"max ms",11}"));
        foreach (var (step, l) in report.Latency)
        {
            output.WriteLine(string.Create(c, $"{step,-22}{l.Count,10}{l.P50Ms,11:0.000}{l.P90Ms,11:0.000}{l.P99Ms,11:0.000}{l.P999Ms,11:0.000}{l.MaxMs,11:0.000}"));
        }
        if (report.ScheduleLag is { } lag)
        {
            output.WriteLine(string.Create(c, $"{"(schedule lag)",-22}{lag.Count,10}{lag.P50Ms,11:0.000}{lag.P90Ms,11:0.000}{lag.P99Ms,11:0.000}{lag.P999Ms,11:0.000}{lag.MaxMs,11:0.000}"));
        }
        output.WriteLine();
        output.WriteLine("responses: " + Join(report.Responses));
        var e = report.Errors;
        output.WriteLine(string.Create(c, $"failures: {e.Total}{(e.Total > 0 ? $" (by kind: {Join(e.ByKind)}; by status: {Join(e.ByStatus)})" : "")}"));
        foreach (var sample in e.Samples)
        {
            output.WriteLine(string.Create(c, $"  {sample.Step} {sample.Kind}{(sample.Status is { } code ? $" HTTP {code}" : "")}: {sample.Detail}"));
        }
        var u = report.Usage;
        output.WriteLine(string.Create(c,
            $"tool: {u.CoresUsed:0.00} cores ({u.CpuSeconds:0.00} s CPU over {u.WallSeconds:0.00} s, {u.ProcessorCount} cores available), peak working set {u.PeakWorkingSetMb:0} MB, heap {u.ManagedHeapMb:0} MB, GC {u.Gen0Collections}/{u.Gen1Collections}/{u.Gen2Collections}"));
        foreach (var note in report.Notes)
        {
            output.WriteLine("note: " + note);
        }
        output.WriteLine(report.Passed ? "PASSED" : "FAILED");
    }

    private static string Join(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));
}
