using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Backend.LoadGen.Journeys;
using Backend.LoadGen.Measurement;
using Backend.LoadGen.Meta;
using Backend.LoadGen.Reporting;
using Backend.LoadGen.Scheduling;

namespace Backend.LoadGen;

/// <summary>
/// Runs a load test as described by <see cref="LoadOptions"/> and returns its report. Used by <c>flows-load</c>
/// and in-process by tests. The run always ends by itself: after warm-up plus duration, after the count, or at
/// <see cref="LoadOptions.MaxDuration"/>; operations in flight then finish (each request is bounded by
/// <see cref="LoadOptions.RequestTimeout"/>).
/// </summary>
/// <param name="options">What to run.</param>
/// <param name="progress">Where the live progress line goes (at most once per second); null for none.</param>
public sealed class LoadRunner(LoadOptions options, TextWriter? progress = null)
{
    private static readonly ExpectedAnswer s_pingAnswer = new(200, new JsonObject
    {
        ["data"] = new JsonObject { ["status"] = "active" },
    });

    /// <summary>Runs the load and reports; throws <see cref="ArgumentException"/> when the options are unusable.</summary>
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.EffectiveConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.RequestTimeout,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = options.RequestTimeout };

        var recorder = new RunRecorder(options.FailureSamples);
        var journey = new SignUpJourney(options, new RegisteredUsers());
        var notes = new List<string>();
        var startedAt = DateTimeOffset.UtcNow;
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);

        var start = Stopwatch.GetTimestamp();
        recorder.MeasureFrom = start + Ticks(options.Warmup);
        var measuredEnd = options.EffectiveDuration is { } duration ? recorder.MeasureFrom + Ticks(duration) : long.MaxValue;
        var hardEnd = start + Ticks(options.MaxDuration);
        var end = Math.Min(measuredEnd, hardEnd);

        using var finished = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var usageAtMeasureStart = CaptureUsageAsync(recorder.MeasureFrom, finished.Token);
        var monitor = ProgressAsync(recorder, start, finished.Token);

        Func<MetaCaller, long, long, Task<bool>> operation = options.Mode switch
        {
            LoadMode.Journey => journey.RunAsync,
            LoadMode.Step => journey.StepAsync,
            _ => (caller, _, intended) =>
            {
                var writer = caller.BeginPayload();
                writer.WriteStartObject();
                writer.WriteString("version", "3.0");
                writer.WriteString("action", "ping");
                writer.WriteEndObject();
                return caller.ExchangeAsync(Step.Ping, intended, s_pingAnswer);
            },
        };

        LatencyHistogram? scheduleLag = null;
        long measuredStarted;
        if (options.IsOpenLoop)
        {
            scheduleLag = new LatencyHistogram();
            measuredStarted = await RunOpenLoopAsync(http, recorder, operation, start, end, scheduleLag, cancellationToken);
        }
        else
        {
            measuredStarted = await RunClosedLoopAsync(http, recorder, operation, end, cancellationToken);
        }
        var stopped = Stopwatch.GetTimestamp();
        await finished.CancelAsync();
        var usageStart = await usageAtMeasureStart;
        await monitor;

        using var process = Process.GetCurrentProcess();
        var measureFrom = Math.Min(recorder.MeasureFrom, stopped);
        var wall = Stopwatch.GetElapsedTime(measureFrom, stopped).TotalSeconds;
        var cpu = (process.TotalProcessorTime - (usageStart ?? process.TotalProcessorTime)).TotalSeconds;
        var interrupted = cancellationToken.IsCancellationRequested;
        if (interrupted)
        {
            notes.Add("Interrupted before the end: the figures cover part of the run.");
        }
        else if (options.Count is { } count && measuredStarted < count)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Only {measuredStarted} of {count} measured operations started before --max-duration ({options.MaxDuration.TotalSeconds:0} s)."));
        }
        if (options.Mode == LoadMode.Journey && options.AppSecret is null)
        {
            notes.Add("No app secret: requests unsigned, and the completion webhook and the closed-token check were skipped.");
        }
        if (options.Mode != LoadMode.Ping && options.AdminToken is null)
        {
            notes.Add("No admin token: random flow tokens were used (the target must accept any token).");
        }
        if (options.Mode == LoadMode.Step)
        {
            notes.Add("Step mode: one flow session per virtual user, each operation one SIGN_UP with mismatched passwords (no password hashing).");
        }
        if (options.IsOpenLoop)
        {
            notes.Add("Open loop: latencies are measured from each operation's intended start, so they include queueing and the dispatcher's timer lag (schedule_lag).");
        }
        if (usageStart is null)
        {
            notes.Add("The run ended before the warm-up did: nothing was measured.");
        }

        var latency = new SortedDictionary<string, LatencySummary>(StringComparer.Ordinal);
        foreach (var step in Enum.GetValues<Step>())
        {
            var histogram = recorder.Histogram(step);
            if (histogram.TotalCount > 0)
            {
                latency[RunRecorder.StepName(step)] = histogram.Summarize();
            }
        }
        var failed = recorder.Failures > 0 || interrupted || (options.Count is { } wanted && measuredStarted < wanted) || usageStart is null;
        return new LoadReport(
            Tool: "flows-load",
            SchemaVersion: 1,
            StartedAt: startedAt,
            Mode: options.Mode switch { LoadMode.Journey => "journey", LoadMode.Step => "step", _ => "ping" },
            Loop: options.IsOpenLoop ? "open" : "closed",
            Target: options.EndpointUrl.ToString(),
            RunId: options.RunId,
            Settings: new RunSettings(
                options.IsOpenLoop ? null : options.Concurrency,
                options.Rate,
                options.EffectiveConnections,
                options.Warmup.TotalSeconds,
                options.Duration?.TotalSeconds ?? (options.Count is null ? options.EffectiveDuration?.TotalSeconds : null),
                options.Count,
                options.AppSecret is not null,
                options.AdminToken is not null,
                options.DuplicateShare,
                options.MismatchShare,
                options.WrongPasswordShare),
            Throughput: new ThroughputFigures(
                Math.Round(wall, 3),
                recorder.MeasuredRequests,
                PerSecond(recorder.MeasuredRequests, wall),
                recorder.Journeys,
                PerSecond(recorder.Journeys, wall),
                recorder.FailedJourneys),
            Latency: latency,
            ScheduleLag: scheduleLag?.Summarize(),
            Errors: new ErrorFigures(recorder.Failures, recorder.FailuresByKind(), recorder.FailuresByStatus(), recorder.Samples),
            Responses: recorder.StatusCounts(),
            Usage: new ToolUsage(
                Math.Round(cpu, 3),
                Math.Round(wall, 3),
                wall > 0 ? Math.Round(cpu / wall, 3) : 0,
                Environment.ProcessorCount,
                Math.Round(process.PeakWorkingSet64 / 1048576.0, 1),
                Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1),
                GC.CollectionCount(0) - gen0,
                GC.CollectionCount(1) - gen1,
                GC.CollectionCount(2) - gen2),
            Passed: !failed,
            Notes: notes);
    }

    /// <summary>Closed loop: each virtual user starts its next operation when the previous one ends.</summary>
    private async Task<long> RunClosedLoopAsync(
        HttpClient http, RunRecorder recorder, Func<MetaCaller, long, long, Task<bool>> operation, long end, CancellationToken cancellationToken)
    {
        long next = -1;
        long measuredStarted = 0;
        var limit = options.Count ?? long.MaxValue;

        async Task VirtualUserAsync()
        {
            await Task.Yield();
            using var caller = new MetaCaller(http, options, recorder);
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= end)
                {
                    return;
                }
                if (now >= recorder.MeasureFrom && Interlocked.Increment(ref measuredStarted) > limit)
                {
                    return;
                }
                var passed = await operation(caller, Interlocked.Increment(ref next), now);
                recorder.RecordOperation(now, Stopwatch.GetTimestamp(), passed, options.Mode == LoadMode.Journey);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => VirtualUserAsync()));
        return Math.Min(Interlocked.Read(ref measuredStarted), limit);
    }

    /// <summary>Open loop: operations started on a fixed schedule, each with a caller from a pool.</summary>
    private async Task<long> RunOpenLoopAsync(
        HttpClient http, RunRecorder recorder, Func<MetaCaller, long, long, Task<bool>> operation, long start, long end,
        LatencyHistogram scheduleLag, CancellationToken cancellationToken)
    {
        var rate = options.Rate!.Value;
        var warmupOperations = (long)Math.Ceiling(options.Warmup.TotalSeconds * rate);
        var limit = options.Count is { } count ? warmupOperations + count : long.MaxValue;
        var callers = new ConcurrentBag<MetaCaller>();
        // As many operations run as there are connections; the others wait here, still timed from their intended
        // start, holding a few hundred bytes each instead of a caller and its buffers when the target falls behind.
        using var slots = new SemaphoreSlim(options.EffectiveConnections);
        try
        {
            var dispatched = await OpenLoop.RunAsync(rate, start, end, limit, async (index, intended) =>
            {
                await slots.WaitAsync();
                if (!callers.TryTake(out var caller))
                {
                    caller = new MetaCaller(http, options, recorder);
                }
                try
                {
                    var passed = await operation(caller, index, intended);
                    recorder.RecordOperation(intended, Stopwatch.GetTimestamp(), passed, options.Mode == LoadMode.Journey);
                }
                finally
                {
                    callers.Add(caller);
                    slots.Release();
                }
            }, scheduleLag, cancellationToken);
            return Math.Max(0, dispatched - warmupOperations);
        }
        finally
        {
            foreach (var caller in callers)
            {
                caller.Dispose();
            }
        }
    }

    /// <summary>The process CPU time when the measured period starts (null if the run ends first).</summary>
    private static async Task<TimeSpan?> CaptureUsageAsync(long at, CancellationToken finished)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), at);
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, finished);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Once a second: elapsed time, phase, request rate, failures and the interval's p50/p99.</summary>
    private async Task ProgressAsync(RunRecorder recorder, long start, CancellationToken finished)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastRequests = 0L;
        var last = start;
        try
        {
            while (await timer.WaitForNextTickAsync(finished))
            {
                var now = Stopwatch.GetTimestamp();
                var requests = recorder.Requests;
                var interval = recorder.TakeInterval();
                var rate = (requests - lastRequests) / Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                (lastRequests, last) = (requests, now);
                progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{Stopwatch.GetElapsedTime(start, now).TotalSeconds,6:0.0}s] {(now < recorder.MeasureFrom ? "warm-up" : "measure")}  "
                    + $"{rate,8:0} req/s  ops {recorder.Journeys,8}  errors {recorder.Failures,5}  "
                    + $"p50 {interval.ValueAtPercentile(50) / 1e6,8:0.000} ms  p99 {interval.ValueAtPercentile(99) / 1e6,8:0.000} ms"));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static double PerSecond(long count, double seconds) => seconds > 0 ? Math.Round(count / seconds, 1) : 0;
}
