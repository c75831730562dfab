using System.Diagnostics;
using System.Globalization;
using Backend.Histogram.Bench;
using Backend.LoadGen.Measurement;
using HdrHistogram;

// flows-load's LatencyHistogram against HdrHistogram 2.5.0 on the same inputs: accuracy of p50/p90/p99/p99.9/max
// against exact (sorted) values, then the cost of recording (one thread, and several threads the way flows-load
// records), of reading a summary and of merging, and the memory of one histogram. Each timing is repeated
// (default 7 runs, each a fraction of a second) and reported as median with the spread (min–max).
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
var total = Stopwatch.StartNew();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Histogram.Bench: .NET {Environment.Version}, {Environment.ProcessorCount} cores, load average {LoadAverage()}, {runs} runs per timing, Stopwatch {Stopwatch.Frequency:N0} Hz"));

// ---------------------------------------------------------------------------------------------- accuracy
Console.WriteLine();
Console.WriteLine("## Accuracy: signed relative error against the exact nearest-rank percentile of the sorted values (1,000,000 values each)");
Console.WriteLine();
Console.WriteLine("| Distribution | Histogram | p50 | p90 | p99 | p99.9 | max | worst |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
var worst = new Dictionary<string, double>();
foreach (var distribution in Distributions.All(seed: 42, count: 1_000_000))
{
    var sorted = distribution.Values.Order().ToArray();
    double[] exact = [.. Candidates.Percentiles.Select(p => (double)Exact(sorted, p)), sorted[^1]];
    foreach (var candidate in Candidates.ForAccuracy())
    {
        var reported = candidate.Measure(distribution.Values);
        var errors = reported.Select((value, i) => (value - exact[i]) / exact[i]).ToArray();
        var worstHere = errors.Max(Math.Abs);
        worst[candidate.Name] = Math.Max(worst.GetValueOrDefault(candidate.Name), worstHere);
        Console.WriteLine($"| {distribution.Name} | {candidate.Name} | {string.Join(" | ", errors.Select(Percent))} | {Percent(worstHere)} |");
    }
}
Console.WriteLine();
foreach (var (name, error) in worst)
{
    Console.WriteLine($"worst over all distributions: {name}: {Percent(error)}");
}

// ---------------------------------------------------------------------------------------------- cost
var values = Distributions.All(seed: 7, count: 1 << 20)[1].Values;
Console.WriteLine();
Console.WriteLine("## Recording cost, one thread: wall ns per recorded value (log-normal ~5 ms values), median (min–max)");
Console.WriteLine();
Console.WriteLine("| Recorder | ns/value |");
Console.WriteLine("|---|---|");
const int SingleValues = 2_000_000;
Report("LatencyHistogram (interlocked; what flows-load uses)", Time(runs, () => { var h = new LatencyHistogram(); return () => Record.Hand(h, values, 0, SingleValues); }, SingleValues));
Report("HdrHistogram LongHistogram (3 digits, not thread-safe)", Time(runs, () => { var h = Candidates.Hdr(); return () => Record.Hdr(h, values, 0, SingleValues); }, SingleValues));
Report("HdrHistogram LongConcurrentHistogram (3 digits)", Time(runs, () => { var h = Candidates.HdrConcurrent(); return () => Record.Hdr(h, values, 0, SingleValues); }, SingleValues));
Report("HdrHistogram Recorder (3 digits)", Time(runs, () => { var r = Candidates.HdrRecorder(); return () => Record.Recorder(r, values, 0, SingleValues); }, SingleValues));
Report("LongConcurrentHistogram + exact min/max/sum (the report's needs)", Time(runs, () => { var h = new HdrWithExactExtremes(); return () => h.RecordAll(values, 0, SingleValues); }, SingleValues));

foreach (var threads in new[] { 2, 8 })
{
    var perThread = 2_000_000 / threads;
    var all = perThread * threads;
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"## Recording cost, {threads} threads at once ({perThread:N0} values each, {Environment.ProcessorCount} cores): wall ns per value over all threads, median (min–max)"));
    Console.WriteLine();
    Console.WriteLine("| Recorder | ns/value |");
    Console.WriteLine("|---|---|");
    Report("LatencyHistogram, one shared (what flows-load does)", Time(runs, () =>
    {
        var h = new LatencyHistogram();
        return () => Parallel(threads, t => Record.Hand(h, values, t * perThread, perThread));
    }, all));
    Report("LongConcurrentHistogram, one shared", Time(runs, () =>
    {
        var h = Candidates.HdrConcurrent();
        return () => Parallel(threads, t => Record.Hdr(h, values, t * perThread, perThread));
    }, all));
    Report("LongConcurrentHistogram + exact min/max/sum, one shared", Time(runs, () =>
    {
        var h = new HdrWithExactExtremes();
        return () => Parallel(threads, t => h.RecordAll(values, t * perThread, perThread));
    }, all));
    Report("Recorder, one shared", Time(runs, () =>
    {
        var r = Candidates.HdrRecorder();
        return () => Parallel(threads, t => Record.Recorder(r, values, t * perThread, perThread));
    }, all));
    Report("LongHistogram per thread, merged after (merge included)", Time(runs, () =>
    {
        var parts = Enumerable.Range(0, threads).Select(_ => Candidates.Hdr()).ToArray();
        return () =>
        {
            Parallel(threads, t => Record.Hdr(parts[t], values, t * perThread, perThread));
            var merged = Candidates.Hdr();
            foreach (var part in parts)
            {
                merged.Add(part);
            }
        };
    }, all));
}

// ---------------------------------------------------------------------------------------------- reading, merging, memory
Console.WriteLine();
Console.WriteLine("## Reading and merging (histograms holding 1,048,576 log-normal values), median (min–max) µs");
Console.WriteLine();
Console.WriteLine("| Histogram | summary (p50, p90, p99, p99.9, max) | merge one into another |");
Console.WriteLine("|---|---|---|");
{
    var hand = new LatencyHistogram();
    Record.Hand(hand, values, 0, values.Length);
    var summaryHand = Time(runs * 3, () => () => hand.Summarize(), 1);
    var mergeHand = Time(runs * 3, () => { var target = new LatencyHistogram(); return () => target.Add(hand); }, 1);
    Console.WriteLine($"| LatencyHistogram | {Micro(summaryHand)} | {Micro(mergeHand)} |");
    foreach (var (name, create) in new (string, Func<HistogramBase>)[] { ("LongHistogram (3 digits)", Candidates.Hdr), ("LongConcurrentHistogram (3 digits)", Candidates.HdrConcurrent) })
    {
        var h = create();
        Record.Hdr(h, values, 0, values.Length);
        var summary = Time(runs * 3, () => () => Candidates.HdrSummary(h), 1);
        var merge = Time(runs * 3, () => { var target = create(); return () => target.Add(h); }, 1);
        Console.WriteLine($"| {name} | {Micro(summary)} | {Micro(merge)} |");
    }
}

Console.WriteLine();
Console.WriteLine("## Memory of one empty histogram (bytes allocated by its constructor)");
Console.WriteLine();
Console.WriteLine("| Histogram | bytes |");
Console.WriteLine("|---|---|");
Console.WriteLine($"| LatencyHistogram | {Allocated(() => new LatencyHistogram()):N0} |");
Console.WriteLine($"| LongHistogram, 3 digits, 1 ns – 1 h | {Allocated(() => Candidates.Hdr()):N0} |");
Console.WriteLine($"| LongConcurrentHistogram, 3 digits, 1 ns – 1 h | {Allocated(() => Candidates.HdrConcurrent()):N0} |");
Console.WriteLine($"| Recorder (two concurrent histograms), 3 digits, 1 ns – 1 h | {Allocated(() => Candidates.HdrRecorder()):N0} |");
Console.WriteLine($"| LongHistogram, 3 digits, 1 µs – 1 h in µs | {Allocated(() => new LongHistogram(1, Candidates.HourMicroseconds, 3)):N0} |");
Console.WriteLine($"| LongHistogram, 2 digits, 1 ns – 1 h | {Allocated(() => new LongHistogram(1, Candidates.HourNanoseconds, 2)):N0} |");
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {total.Elapsed.TotalSeconds:0.0} s; load average now {LoadAverage()}."));
return 0;

static long Exact(long[] sorted, double percentile) =>
    sorted[Math.Max(1, (long)Math.Ceiling(percentile / 100 * sorted.Length)) - 1];

static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:+0.000;-0.000;0.000} %");

static void Report(string name, double[] nanosecondsPerValue) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Median(nanosecondsPerValue):0.0} ({nanosecondsPerValue.Min():0.0}–{nanosecondsPerValue.Max():0.0}) |"));

static string Micro(double[] nanoseconds) => string.Create(CultureInfo.InvariantCulture,
    $"{Median(nanoseconds) / 1e3:0.0} ({nanoseconds.Min() / 1e3:0.0}–{nanoseconds.Max() / 1e3:0.0})");

static double Median(double[] samples)
{
    var sorted = samples.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

// Times `runs` runs of an operation made fresh for each run (so each records into an empty histogram), after a
// warm-up of at least 0.2 s for tiered JIT; returns wall nanoseconds per value of each run.
static double[] Time(int runs, Func<Action> prepare, int valuesPerRun)
{
    var warmUp = Stopwatch.StartNew();
    while (warmUp.ElapsedMilliseconds < 200)
    {
        prepare()();
    }
    var samples = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var operation = prepare();
        var start = Stopwatch.GetTimestamp();
        operation();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / valuesPerRun;
    }
    return samples;
}

// Runs body(0..threads-1) on dedicated threads released together; returns when all have finished.
static void Parallel(int threads, Action<int> body)
{
    using var go = new ManualResetEventSlim();
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => { go.Wait(); body(t); })).ToArray();
    foreach (var worker in workers)
    {
        worker.Start();
    }
    go.Set();
    foreach (var worker in workers)
    {
        worker.Join();
    }
}

static long Allocated(Func<object> create)
{
    create();
    var before = GC.GetAllocatedBytesForCurrentThread();
    GC.KeepAlive(create());
    return GC.GetAllocatedBytesForCurrentThread() - before;
}

static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "?";
    }
}
