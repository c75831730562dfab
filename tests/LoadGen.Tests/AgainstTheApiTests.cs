using System.Globalization;
using Backend.Api.Endpoint;
using Backend.Api.Tests;
using Backend.LoadGen.Reporting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backend.LoadGen.Tests;

/// <summary>The tool end to end through its command line, against the real Api on 127.0.0.1.</summary>
public sealed class AgainstTheApiTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string?> { [LoadOptions.AppSecretVariable] = FlowsApiFactory.AppSecret };
        var code = await FlowsLoadCommand.RunAsync(args, output, error, name => environment.GetValueOrDefault(name));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The real sign-up flow, taking issued tokens (and the tool an admin token) or any token.</summary>
    private static FlowsApiFactory SignUpTarget(bool issuedTokens, out Dictionary<string, string?> environment)
    {
        var api = TargetApi.Create();
        if (issuedTokens)
        {
            api.Settings["Admin:Token"] = "load-admin-token";
        }
        else
        {
            api.Settings["FlowSessions:TokenPolicy"] = "AnyToken";
        }
        environment = new Dictionary<string, string?>
        {
            [LoadOptions.AppSecretVariable] = FlowsApiFactory.AppSecret,
            [LoadOptions.AdminTokenVariable] = issuedTokens ? "load-admin-token" : null,
        };
        return api;
    }

    [Fact]
    public async Task ABoundedPingRunPassesWithFiguresAndWritesParseableJson()
    {
        using var api = TargetApi.Create();
        var json = Path.Combine(Path.GetTempPath(), $"flows-load-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, error) = await RunAsync(
                "ping", "--url", api.BaseUrl.ToString(), "--public-key", api.PublicKeyFile,
                "--concurrency", "4", "--warmup", "0.5", "--duration", "2", "--json", json);

            Assert.True(code == FlowsLoadCommand.Passed, output + error);
            Assert.Contains("PASSED", output);
            Assert.Contains("[", error); // progress lines
            var report = LoadReport.FromJson(await File.ReadAllTextAsync(json))!;
            Assert.True(report.Passed);
            Assert.Equal("ping", report.Mode);
            Assert.Equal("closed", report.Loop);
            Assert.True(report.Settings.Signed);
            Assert.Equal(0, report.Errors.Total);
            Assert.True(report.Throughput.Requests > 50, $"only {report.Throughput.Requests} requests");
            Assert.True(report.Throughput.RequestsPerSecond > 0);
            Assert.Equal(report.Throughput.Requests, report.Latency["ping"].Count);
            var ping = report.Latency["ping"];
            Assert.True(ping.P50Ms > 0 && ping.P50Ms <= ping.P90Ms && ping.P90Ms <= ping.P99Ms && ping.P99Ms <= ping.P999Ms && ping.P999Ms <= ping.MaxMs);
            Assert.True(report.Responses["200"] >= report.Throughput.Requests);
            Assert.InRange(report.Throughput.MeasuredSeconds, 1.9, 12); // the measured 2 s, plus the requests in flight at the end
            Assert.True(report.Usage.CpuSeconds > 0 && report.Usage.CoresUsed > 0 && report.Usage.PeakWorkingSetMb > 0);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SignUpJourneysWithEveryErrorBranchPassAgainstTheRealSignUpFlow(bool issuedTokens)
    {
        using var api = SignUpTarget(issuedTokens, out var environment);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        var code = await FlowsLoadCommand.RunAsync(
            ["journey", "--url", api.BaseUrl.ToString(), "--public-key", api.PublicKeyFile, "--concurrency", "4", "--warmup", "0",
             "--count", "24", "--duplicate-share", "0.25", "--mismatch-share", "0.25", "--wrong-password-share", "0.25", "--quiet"],
            output, error, name => environment.GetValueOrDefault(name));

        Assert.True(code == FlowsLoadCommand.Passed, output.ToString() + error);
        Assert.Contains("PASSED", output.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StepModeRepeatsTheMismatchedSignUpOnOneSessionPerVirtualUser(bool issuedTokens)
    {
        using var api = SignUpTarget(issuedTokens, out var environment);
        var json = Path.Combine(Path.GetTempPath(), $"flows-load-{Guid.NewGuid():N}.json");
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        try
        {
            var code = await FlowsLoadCommand.RunAsync(
                ["step", "--url", api.BaseUrl.ToString(), "--public-key", api.PublicKeyFile, "--concurrency", "4", "--warmup", "0",
                 "--count", "60", "--json", json, "--quiet"],
                output, error, name => environment.GetValueOrDefault(name));

            Assert.True(code == FlowsLoadCommand.Passed, output.ToString() + error);
            Assert.Contains("60 steps", output.ToString());
            var report = LoadReport.FromJson(await File.ReadAllTextAsync(json))!;
            Assert.Equal("step", report.Mode);
            Assert.Equal(issuedTokens, report.Settings.IssuedTokens);
            Assert.Equal(60, report.Throughput.Operations);
            Assert.Equal(60, report.Latency["sign_up_mismatch"].Count);
            Assert.DoesNotContain("journey", report.Latency.Keys);
            Assert.DoesNotContain("sign_up", report.Latency.Keys);
            // One session per virtual user, opened once and then reused.
            Assert.Equal(issuedTokens ? 4 : 0, report.Latency.TryGetValue("issue_token", out var issued) ? issued.Count : 0);
            Assert.Equal(issuedTokens ? 64 : 60, report.Throughput.Requests);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task StepModeTakesNoErrorBranchShares()
    {
        using var api = TargetApi.Create();

        var (code, _, error) = await RunAsync("step", "--url", "http://127.0.0.1:1", "--public-key", api.PublicKeyFile, "--mismatch-share", "0.5");

        Assert.Equal(FlowsLoadCommand.UsageError, code);
        Assert.Contains("--mismatch-share", error);
    }

    [Fact]
    public async Task AnOpenLoopPingRunKeepsItsRate()
    {
        using var api = TargetApi.Create();

        var (code, output, error) = await RunAsync(
            "ping", "--url", api.BaseUrl.ToString(), "--public-key", api.PublicKeyFile,
            "--rate", "200", "--warmup", "0.5", "--count", "300", "--quiet");

        Assert.True(code == FlowsLoadCommand.Passed, output + error);
        Assert.Contains("open loop at 200/s", output);
        Assert.Contains("300 pings", output);
        Assert.Contains("(schedule lag)", output);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData(false, "wrong_screen")]
    [InlineData(true, "server_error")]
    public async Task ABrokenFlowFailsLoudlyWithoutPrintingPasswords(bool crash, string kind)
    {
        using var api = TargetApi.Create(new BrokenFlowHandler(crash));
        var json = Path.Combine(Path.GetTempPath(), $"flows-load-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, error) = await RunAsync(
                "journey", "--url", api.BaseUrl.ToString(), "--public-key", api.PublicKeyFile,
                "--concurrency", "2", "--warmup", "0", "--count", "6", "--json", json, "--quiet");

            Assert.Equal(FlowsLoadCommand.Failed, code);
            Assert.Contains("FAILED", output);
            Assert.DoesNotContain("leaked-secret", output + error);
            Assert.DoesNotContain("Pw", output + error);
            var report = LoadReport.FromJson(await File.ReadAllTextAsync(json))!;
            Assert.False(report.Passed);
            Assert.Equal(6, report.Throughput.FailedOperations);
            Assert.Equal(6, report.Errors.ByKind[kind]);
            Assert.Equal(6, report.Errors.Total);
            Assert.Equal(6, report.Errors.ByStatus[crash ? "500" : "200"]);
            var sample = report.Errors.Samples[0];
            Assert.Equal("init", sample.Step);
            Assert.Equal(kind, sample.Kind);
            Assert.Contains(crash ? "Expected HTTP 200, got 500" : "\"screen\":\"START\"", sample.Detail);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task WithAnAdminTokenEachJourneyStartsWithAnIssuedFlowToken()
    {
        var handler = new BrokenFlowHandler(crash: false);
        var issuing = new TokenIssuingStartupFilter("admin-secret");
        using var api = TargetApi.Create(services =>
        {
            services.RemoveAll<IFlowExchangeHandler>();
            services.AddSingleton<IFlowExchangeHandler>(handler);
            services.AddSingleton<IStartupFilter>(issuing);
        });
        var json = Path.Combine(Path.GetTempPath(), $"flows-load-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, error) = await RunAsync(
                "journey", "--url", api.BaseUrl.ToString(), "--public-key", api.PublicKeyFile, "--admin-token", "admin-secret",
                "--concurrency", "2", "--warmup", "0", "--count", "4", "--json", json, "--quiet");

            // The stand-in flow answers INIT wrongly, but every journey got its token from the admin API first.
            Assert.Equal(FlowsLoadCommand.Failed, code);
            Assert.DoesNotContain("admin-secret", output + error);
            Assert.Equal(4, issuing.Recipients.Count);
            Assert.All(issuing.Recipients, to => Assert.Matches("^[0-9]{15}$", to));
            Assert.Equal(4, issuing.Recipients.Distinct().Count());
            Assert.Equal(4, handler.Tokens.Count);
            Assert.All(handler.Tokens, token => Assert.StartsWith("issued-", token));
            var report = LoadReport.FromJson(await File.ReadAllTextAsync(json))!;
            Assert.True(report.Settings.IssuedTokens);
            Assert.Equal(4, report.Latency["issue_token"].Count);
            Assert.Equal(4, report.Errors.ByKind["wrong_screen"]);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task ACountNotReachedBeforeTheHardStopFailsTheRun()
    {
        using var api = TargetApi.Create();
        var started = DateTime.UtcNow;

        var report = await new LoadRunner(new LoadOptions
        {
            Url = api.BaseUrl,
            PublicKeyPem = await File.ReadAllTextAsync(api.PublicKeyFile),
            AppSecret = FlowsApiFactory.AppSecret,
            Concurrency = 2,
            Warmup = TimeSpan.Zero,
            Count = 10_000_000,
            MaxDuration = TimeSpan.FromSeconds(1),
        }).RunAsync();

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.False(report.Passed);
        Assert.Equal(0, report.Errors.Total);
        Assert.True(report.Throughput.Operations > 0);
        Assert.Contains(report.Notes, note => note.StartsWith("Only ", StringComparison.Ordinal) && note.Contains("--max-duration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARemoteTargetIsRefusedUnlessAllowed()
    {
        using var api = TargetApi.Create();

        var (code, _, error) = await RunAsync("ping", "--url", "http://192.0.2.10:8080", "--public-key", api.PublicKeyFile, "--duration", "1");

        Assert.Equal(FlowsLoadCommand.UsageError, code);
        Assert.Contains("--allow-remote", error);
    }

    [Fact]
    public async Task ClosedAndOpenLoopExcludeEachOther()
    {
        using var api = TargetApi.Create();

        var (code, _, error) = await RunAsync("ping", "--url", "http://127.0.0.1:1", "--public-key", api.PublicKeyFile, "-c", "2", "-r", "10");

        Assert.Equal(FlowsLoadCommand.UsageError, code);
        Assert.Contains("exclude each other", error);
    }
}
