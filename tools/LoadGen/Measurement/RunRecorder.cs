using System.Collections.Concurrent;
using System.Diagnostics;

namespace Backend.LoadGen.Measurement;

/// <summary>The measured steps; each has its own latency histogram in the report.</summary>
public enum Step
{
    /// <summary>Encrypted health check.</summary>
    Ping,

    /// <summary><c>POST /admin/flows/{flow}/sessions</c>: an issued flow token.</summary>
    IssueToken,

    /// <summary>INIT: the flow opens on START.</summary>
    Init,

    /// <summary>SIGN_UP submitted with valid, new details.</summary>
    SignUp,

    /// <summary>SIGN_UP with an email already registered (error branch).</summary>
    SignUpDuplicate,

    /// <summary>SIGN_UP with a confirmation unlike the password (error branch).</summary>
    SignUpMismatch,

    /// <summary>LOGIN with the right password.</summary>
    Login,

    /// <summary>LOGIN with a wrong password (error branch).</summary>
    LoginWrongPassword,

    /// <summary>The signed completion webhook.</summary>
    Webhook,

    /// <summary>One more data_exchange on the completed token, which must answer 427.</summary>
    ClosedCheck,

    /// <summary>A whole journey, from its (intended) start to its last step.</summary>
    Journey,
}

/// <summary>What went wrong, as counted in the report.</summary>
public enum FailureKind
{
    /// <summary>No HTTP answer: connection refused or reset.</summary>
    Transport,

    /// <summary>No answer within the request timeout.</summary>
    Timeout,

    /// <summary>A 5xx answer.</summary>
    ServerError,

    /// <summary>Another status than the step expects.</summary>
    UnexpectedStatus,

    /// <summary>A 200 answer that does not decrypt with the request's key and the inverted IV.</summary>
    Decryption,

    /// <summary>The decrypted answer (or the admin API's answer) is not the expected JSON document.</summary>
    InvalidJson,

    /// <summary>The answer names another screen than expected.</summary>
    WrongScreen,

    /// <summary>The right screen with other data than expected.</summary>
    WrongData,
}

/// <summary>One failure kept in full (passwords redacted).</summary>
/// <param name="Step">The step, in the report's naming.</param>
/// <param name="Kind">The kind, in the report's naming.</param>
/// <param name="Status">The HTTP status, when there was an answer.</param>
/// <param name="Detail">What was expected and what came.</param>
public sealed record FailureSample(string Step, string Kind, int? Status, string Detail);

/// <summary>
/// Collects a run's measurements from every virtual user at once, without locks on the hot path: per-step
/// histograms of the measured period, an interval histogram for the progress line, counts by HTTP status, and
/// failures by kind and status (failures are counted in the warm-up too: they always fail the run).
/// </summary>
internal sealed class RunRecorder(int failureSamples)
{
    private static readonly int s_stepCount = Enum.GetValues<Step>().Length;

    private readonly LatencyHistogram[] _steps = [.. Enumerable.Range(0, s_stepCount).Select(_ => new LatencyHistogram())];
    private readonly long[] _statuses = new long[600];
    private readonly long[] _failuresByKind = new long[Enum.GetValues<FailureKind>().Length];
    private readonly ConcurrentDictionary<int, long> _failuresByStatus = new();
    private readonly ConcurrentQueue<FailureSample> _samples = new();
    private LatencyHistogram _interval = new();
    private long _requests;
    private long _measuredRequests;
    private long _failures;
    private long _journeys;
    private long _failedJourneys;

    /// <summary>Operations starting at or after this <see cref="Stopwatch"/> timestamp are measured.</summary>
    public long MeasureFrom { get; set; }

    /// <summary>Every HTTP request so far, warm-up included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>HTTP requests of the measured period.</summary>
    public long MeasuredRequests => Interlocked.Read(ref _measuredRequests);

    /// <summary>Every failure so far.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Measured journeys (or pings) that ended, passed or failed.</summary>
    public long Journeys => Interlocked.Read(ref _journeys);

    /// <summary>Measured journeys that failed.</summary>
    public long FailedJourneys => Interlocked.Read(ref _failedJourneys);

    /// <summary>The histogram of a step (measured period only).</summary>
    public LatencyHistogram Histogram(Step step) => _steps[(int)step];

    /// <summary>Records an HTTP request that got an answer with <paramref name="status"/>.</summary>
    public void RecordRequest(Step step, long start, long end, int status)
    {
        Interlocked.Increment(ref _requests);
        if ((uint)status < (uint)_statuses.Length)
        {
            Interlocked.Increment(ref _statuses[status]);
        }
        var nanoseconds = LatencyHistogram.TicksToNanoseconds(end - start);
        Volatile.Read(ref _interval).Record(nanoseconds);
        if (start >= MeasureFrom)
        {
            Interlocked.Increment(ref _measuredRequests);
            _steps[(int)step].Record(nanoseconds);
        }
    }

    /// <summary>Records the end of an operation (a journey, or a ping in ping mode).</summary>
    public void RecordOperation(long intendedStart, long end, bool passed, bool recordJourneyLatency)
    {
        if (intendedStart < MeasureFrom)
        {
            return;
        }
        Interlocked.Increment(ref _journeys);
        if (!passed)
        {
            Interlocked.Increment(ref _failedJourneys);
        }
        else if (recordJourneyLatency)
        {
            _steps[(int)Step.Journey].RecordTicks(intendedStart, end);
        }
    }

    /// <summary>Counts a failure and keeps the first few in full.</summary>
    public void Fail(Step step, FailureKind kind, int? status, string detail)
    {
        var n = Interlocked.Increment(ref _failures);
        Interlocked.Increment(ref _failuresByKind[(int)kind]);
        if (status is { } code)
        {
            _failuresByStatus.AddOrUpdate(code, 1, (_, c) => c + 1);
        }
        if (n <= failureSamples)
        {
            _samples.Enqueue(new FailureSample(StepName(step), KindName(kind), status, detail));
        }
    }

    /// <summary>Swaps the interval histogram for a fresh one and returns the old one (for the progress line).</summary>
    public LatencyHistogram TakeInterval() => Interlocked.Exchange(ref _interval, new LatencyHistogram());

    /// <summary>Answers seen, by HTTP status.</summary>
    public SortedDictionary<string, long> StatusCounts()
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _statuses.Length; i++)
        {
            var c = Interlocked.Read(ref _statuses[i]);
            if (c > 0)
            {
                counts[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = c;
            }
        }
        return counts;
    }

    /// <summary>Failures by kind (only kinds that occurred).</summary>
    public SortedDictionary<string, long> FailuresByKind()
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<FailureKind>())
        {
            var c = Interlocked.Read(ref _failuresByKind[(int)kind]);
            if (c > 0)
            {
                counts[KindName(kind)] = c;
            }
        }
        return counts;
    }

    /// <summary>Failures that had an HTTP answer, by its status.</summary>
    public SortedDictionary<string, long> FailuresByStatus() =>
        new(_failuresByStatus.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value), StringComparer.Ordinal);

    /// <summary>The failures kept in full.</summary>
    public IReadOnlyList<FailureSample> Samples => [.. _samples];

    /// <summary>The report's name of a step.</summary>
    public static string StepName(Step step) => step switch
    {
        Step.Ping => "ping",
        Step.IssueToken => "issue_token",
        Step.Init => "init",
        Step.SignUp => "sign_up",
        Step.SignUpDuplicate => "sign_up_duplicate",
        Step.SignUpMismatch => "sign_up_mismatch",
        Step.Login => "login",
        Step.LoginWrongPassword => "login_wrong_password",
        Step.Webhook => "webhook",
        Step.ClosedCheck => "closed_check",
        Step.Journey => "journey",
        _ => step.ToString(),
    };

    /// <summary>The report's name of a failure kind.</summary>
    public static string KindName(FailureKind kind) => kind switch
    {
        FailureKind.Transport => "transport",
        FailureKind.Timeout => "timeout",
        FailureKind.ServerError => "server_error",
        FailureKind.UnexpectedStatus => "unexpected_status",
        FailureKind.Decryption => "decryption",
        FailureKind.InvalidJson => "invalid_json",
        FailureKind.WrongScreen => "wrong_screen",
        FailureKind.WrongData => "wrong_data",
        _ => kind.ToString(),
    };
}
