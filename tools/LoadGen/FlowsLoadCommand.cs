using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Backend.LoadGen.Reporting;

namespace Backend.LoadGen;

/// <summary>The <c>flows-load</c> command line: <c>ping</c>, <c>journey</c> and <c>step</c>, sharing their options.</summary>
public static class FlowsLoadCommand
{
    /// <summary>The run passed: no failure.</summary>
    public const int Passed = 0;

    /// <summary>A verification failure, a 5xx, a transport error or an unfinished count.</summary>
    public const int Failed = 1;

    /// <summary>Bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Parses <paramref name="args"/>, runs the load, prints progress to <paramref name="error"/> and the report to
    /// <paramref name="output"/>. <paramref name="environment"/> reads variables (the process's by default).
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Func<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var root = new RootCommand("Plays Meta against a WhatsApp Flows endpoint: encrypted pings or sign-up journeys, every answer verified, latency percentiles per step.")
        {
            Build("ping", "Encrypted health checks only.", LoadMode.Ping, output, error, environment),
            Build("journey", "Sign-up journeys: (issued token,) INIT, SIGN_UP, LOGIN, completion webhook, 427 on the closed token.", LoadMode.Journey, output, error, environment),
            Build("step", "Session steps without hashing: one session per virtual user, then SIGN_UP with mismatched passwords, answered with SIGN_UP again.", LoadMode.Step, output, error, environment),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync("error: " + problem.Message);
            }
            await error.WriteLineAsync("Run 'flows-load --help' for usage.");
            return UsageError;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static Command Build(string name, string description, LoadMode mode, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var url = new Option<string>("--url") { Description = "Base URL of the product, e.g. http://127.0.0.1:5080.", Required = true, HelpName = "url" };
        var flow = new Option<string>("--flow") { Description = "Flow name; requests go to POST {url}/flows/{flow}.", DefaultValueFactory = _ => "sign_up" };
        var publicKey = new Option<FileInfo>("--public-key") { Description = "PEM file of the business public key (a private key PEM works too).", Required = true, HelpName = "file" };
        var appSecret = new Option<string?>("--app-secret") { Description = $"Meta app secret signing requests and webhooks (default: ${LoadOptions.AppSecretVariable}). Prefer the variable: a command line is visible to other users." };
        var concurrency = new Option<int?>("--concurrency", "-c") { Description = "Closed loop: virtual users (default 16)." };
        var rate = new Option<double?>("--rate", "-r") { Description = "Open loop: operations started per second, latency measured from each one's intended start." };
        var connections = new Option<int?>("--connections") { Description = "HTTP connection limit (default: the concurrency; 256 in open loop)." };
        var warmup = new Option<double>("--warmup") { Description = "Seconds at the start excluded from the figures.", DefaultValueFactory = _ => 2 };
        var duration = new Option<double?>("--duration", "-d") { Description = "Measured seconds after the warm-up (default 10 unless --count is given)." };
        var count = new Option<long?>("--count", "-n") { Description = "Measured operations (pings, journeys or steps) after the warm-up." };
        var maxDuration = new Option<double>("--max-duration") { Description = "Hard stop of the whole run in seconds.", DefaultValueFactory = _ => 1800 };
        var requestTimeout = new Option<double>("--request-timeout") { Description = "Seconds before one request counts as a timeout.", DefaultValueFactory = _ => 10 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file.", HelpName = "file" };
        var runId = new Option<string?>("--run-id") { Description = "Tag of the run's emails (user-{run}-{n}@load.test); random by default." };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a target other than 127.0.0.1, ::1 or localhost." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress lines." };
        var samples = new Option<int>("--failure-samples") { Description = "Failures printed in full.", DefaultValueFactory = _ => 5 };
        var adminToken = new Option<string?>("--admin-token") { Description = $"Admin API bearer token; when set each journey first gets an issued flow token (default: ${LoadOptions.AdminTokenVariable}). Otherwise random tokens are used." };
        var duplicate = new Option<double>("--duplicate-share") { Description = "Share (0-1) of sign-ups with an email already registered in this run." };
        var mismatch = new Option<double>("--mismatch-share") { Description = "Share (0-1) of sign-ups first submitted with a mismatched confirmation." };
        var wrongPassword = new Option<double>("--wrong-password-share") { Description = "Share (0-1) of logins first tried with a wrong password." };

        var command = new Command(name, description)
        {
            url, flow, publicKey, appSecret, concurrency, rate, connections, warmup, duration, count, maxDuration, requestTimeout, json, runId, allowRemote, quiet, samples,
        };
        if (mode != LoadMode.Ping)
        {
            command.Options.Add(adminToken);
        }
        if (mode == LoadMode.Journey)
        {
            command.Options.Add(duplicate);
            command.Options.Add(mismatch);
            command.Options.Add(wrongPassword);
        }

        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(concurrency) is not null && parse.GetValue(rate) is not null)
            {
                await error.WriteLineAsync("error: --concurrency (closed loop) and --rate (open loop) exclude each other.");
                return UsageError;
            }
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var target))
            {
                await error.WriteLineAsync("error: --url must be an absolute URL such as http://127.0.0.1:5080.");
                return UsageError;
            }
            var keyFile = parse.GetValue(publicKey)!;
            if (!keyFile.Exists)
            {
                await error.WriteLineAsync($"error: {keyFile.FullName} does not exist.");
                return UsageError;
            }
            LoadOptions options;
            try
            {
                options = new LoadOptions
                {
                    Url = target,
                    PublicKeyPem = await File.ReadAllTextAsync(keyFile.FullName, ct),
                    Mode = mode,
                    Flow = parse.GetValue(flow)!,
                    AppSecret = NonEmpty(parse.GetValue(appSecret)) ?? NonEmpty(environment(LoadOptions.AppSecretVariable)),
                    AdminToken = mode != LoadMode.Ping ? NonEmpty(parse.GetValue(adminToken)) ?? NonEmpty(environment(LoadOptions.AdminTokenVariable)) : null,
                    Concurrency = parse.GetValue(concurrency) ?? 16,
                    Rate = parse.GetValue(rate),
                    Connections = parse.GetValue(connections),
                    Warmup = Seconds(parse.GetValue(warmup)),
                    Duration = parse.GetValue(duration) is { } d ? Seconds(d) : null,
                    Count = parse.GetValue(count),
                    MaxDuration = Seconds(parse.GetValue(maxDuration)),
                    RequestTimeout = Seconds(parse.GetValue(requestTimeout)),
                    DuplicateShare = mode == LoadMode.Journey ? parse.GetValue(duplicate) : 0,
                    MismatchShare = mode == LoadMode.Journey ? parse.GetValue(mismatch) : 0,
                    WrongPasswordShare = mode == LoadMode.Journey ? parse.GetValue(wrongPassword) : 0,
                    AllowRemote = parse.GetValue(allowRemote),
                    FailureSamples = Math.Max(0, parse.GetValue(samples)),
                };
                if (parse.GetValue(runId) is { } id)
                {
                    options = options with { RunId = id };
                }
                using var probe = System.Security.Cryptography.RSA.Create();
                probe.ImportFromPem(options.PublicKeyPem);
            }
            catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException or OverflowException)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return UsageError;
            }
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync("error: " + problem);
                }
                return UsageError;
            }

            var report = await new LoadRunner(options, parse.GetValue(quiet) ? null : error).RunAsync(ct);
            ReportPrinter.Print(report, output);
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, report.ToJson(), ct);
                await output.WriteLineAsync($"results: {file.FullName}");
            }
            return report.Passed ? Passed : Failed;
        });
        return command;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static TimeSpan Seconds(double seconds) =>
        double.IsFinite(seconds) && seconds >= 0 && seconds < 1e7
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{seconds} is not a usable number of seconds."));
}

/// <summary>Process entry point of <c>flows-load</c>.</summary>
internal static class FlowsLoadEntryPoint
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static Task<int> Main(string[] args)
    {
        // Continue awaits of socket I/O on the socket event thread instead of hopping to the thread pool: per answer
        // the tool does little work, and the hop (with the pool's spinning) was about a third of its CPU here.
        // Read once, when the first socket is used, so it must be set before anything touches the network.
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
        return FlowsLoadCommand.RunAsync(args, Console.Out, Console.Error);
    }
}
