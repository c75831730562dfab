using System.Net;

namespace Backend.LoadGen;

/// <summary>What the virtual users do.</summary>
public enum LoadMode
{
    /// <summary>Encrypted health checks (<c>{"action":"ping"}</c>) only.</summary>
    Ping,

    /// <summary>The sign-up journey: INIT, SIGN_UP, LOGIN, completion webhook, and the closed token's 427.</summary>
    Journey,

    /// <summary>
    /// One flow session per virtual user, then SIGN_UP submissions with mismatched passwords over and over: each goes
    /// through the session grain (and its state write) and a user lookup, and hashes nothing.
    /// </summary>
    Step,
}

/// <summary>
/// Everything a run needs. Closed loop (<see cref="Concurrency"/> virtual users, each starting its next operation
/// when the previous one ends) unless <see cref="Rate"/> is set, which makes it open loop (operations started on a
/// fixed schedule, latency measured from each one's intended start).
/// </summary>
public sealed record LoadOptions
{
    /// <summary>Environment variable read when <see cref="AppSecret"/> is not given on the command line.</summary>
    public const string AppSecretVariable = "FLOWS_LOAD_APP_SECRET";

    /// <summary>Environment variable read when <see cref="AdminToken"/> is not given on the command line.</summary>
    public const string AdminTokenVariable = "FLOWS_LOAD_ADMIN_TOKEN";

    /// <summary>Base URL of the product, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>PEM of the business public key (a private key PEM works too: only its public half is used).</summary>
    public required string PublicKeyPem { get; init; }

    /// <summary>Ping, journey or step.</summary>
    public LoadMode Mode { get; init; } = LoadMode.Ping;

    /// <summary>The flow name: requests go to <c>POST /flows/{Flow}</c>.</summary>
    public string Flow { get; init; } = "sign_up";

    /// <summary>Meta app secret: signs endpoint requests and webhooks (<c>X-Hub-Signature-256</c>) when set.</summary>
    public string? AppSecret { get; init; }

    /// <summary>Bearer token of the admin API; when set, every journey (or step-mode virtual user) first obtains an issued flow token.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Closed loop: the number of virtual users. Ignored when <see cref="Rate"/> is set.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Open loop: operations (pings, journeys or steps) started per second.</summary>
    public double? Rate { get; init; }

    /// <summary>HTTP connections to the target; by default the concurrency (closed loop) or 256 (open loop).</summary>
    public int? Connections { get; init; }

    /// <summary>Time at the start excluded from the figures (errors still count).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Measured time after the warm-up. With neither this nor <see cref="Count"/>, 10 s.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Measured operations (pings, journeys or steps) after the warm-up.</summary>
    public long? Count { get; init; }

    /// <summary>Hard stop of the whole run, whatever <see cref="Count"/> says: a run never goes on by itself.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Deadline of one HTTP request; Meta counts a request over 10 s as a timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Share (0–1) of journeys that sign up with an email an earlier user of the run registered.</summary>
    public double DuplicateShare { get; init; }

    /// <summary>Share (0–1) of journeys that first submit SIGN_UP with a confirmation unlike the password.</summary>
    public double MismatchShare { get; init; }

    /// <summary>Share (0–1) of journeys that first try LOGIN with a wrong password.</summary>
    public double WrongPasswordShare { get; init; }

    /// <summary>Tags the run's emails (<c>user-{RunId}-{n}@load.test</c>) so runs never collide.</summary>
    public string RunId { get; init; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));

    /// <summary>Allows a target other than the loopback interface.</summary>
    public bool AllowRemote { get; init; }

    /// <summary>Failures printed (and kept in the JSON results) in full.</summary>
    public int FailureSamples { get; init; } = 5;

    /// <summary>Whether the run is open loop.</summary>
    public bool IsOpenLoop => Rate is not null;

    /// <summary>The measured time, the default applied.</summary>
    public TimeSpan? EffectiveDuration => Duration ?? (Count is null ? TimeSpan.FromSeconds(10) : null);

    /// <summary>The connection limit, the default applied.</summary>
    public int EffectiveConnections => Connections ?? (IsOpenLoop ? 256 : Concurrency);

    /// <summary>The URL of the data endpoint.</summary>
    public Uri EndpointUrl => new(Url, $"flows/{Uri.EscapeDataString(Flow)}");

    /// <summary>Problems with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("--url must be an absolute http or https URL.");
        }
        else if (!AllowRemote && !IsLoopback(Url))
        {
            problems.Add($"--url {Url.Host} is not 127.0.0.1, ::1 or localhost; pass --allow-remote to load another machine.");
        }
        if (string.IsNullOrWhiteSpace(Flow) || !Flow.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            problems.Add("--flow may contain only letters, digits, '-' and '_'.");
        }
        if (Rate is { } rate && (double.IsNaN(rate) || rate <= 0 || rate > 1_000_000))
        {
            problems.Add("--rate must be above 0 and at most 1,000,000 per second.");
        }
        if (Concurrency is < 1 or > 100_000)
        {
            problems.Add("--concurrency must be between 1 and 100,000.");
        }
        if (Connections is < 1 or > 100_000)
        {
            problems.Add("--connections must be between 1 and 100,000.");
        }
        if (Warmup < TimeSpan.Zero || Duration <= TimeSpan.Zero || Count <= 0 || MaxDuration <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("--warmup must be at least 0; --duration, --count, --max-duration and --request-timeout above 0.");
        }
        if (Warmup + (EffectiveDuration ?? TimeSpan.Zero) > MaxDuration)
        {
            problems.Add("--warmup plus --duration exceeds --max-duration.");
        }
        foreach (var (name, share) in new[] { ("--duplicate-share", DuplicateShare), ("--mismatch-share", MismatchShare), ("--wrong-password-share", WrongPasswordShare) })
        {
            if (double.IsNaN(share) || share is < 0 or > 1)
            {
                problems.Add($"{name} must be between 0 and 1.");
            }
        }
        if (DuplicateShare + MismatchShare > 1)
        {
            problems.Add("--duplicate-share plus --mismatch-share must be at most 1 (a sign-up takes one error branch at most).");
        }
        if (Mode != LoadMode.Journey && (DuplicateShare > 0 || MismatchShare > 0 || WrongPasswordShare > 0))
        {
            problems.Add("Error-branch shares apply to journeys only.");
        }
        if (Mode == LoadMode.Ping && AdminToken is not null)
        {
            problems.Add("The admin token applies to journeys and steps only.");
        }
        if (string.IsNullOrEmpty(RunId) || !RunId.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add("--run-id may contain only letters and digits.");
        }
        return problems;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
