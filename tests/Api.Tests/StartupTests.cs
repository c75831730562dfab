using System.Net;
using System.Security.Cryptography;
using Backend.Api.Endpoint;
using Backend.Flows.Endpoint;
using Backend.ServiceDefaults;
using Backend.TestSupport.Meta;
using Microsoft.Extensions.Options;

namespace Backend.Api.Tests;

/// <summary>How the Api starts: keys from configuration, a development key on a first run, clear errors otherwise.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StartupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backend-startup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private FlowsApiFactory WithoutKeys(string environment)
    {
        var factory = new FlowsApiFactory { Environment = environment };
        factory.Settings.Remove("FlowEndpoint:Keys:0:Pem");
        factory.Settings["FlowEndpoint:DevelopmentKeyPath"] = Path.Combine(_folder, "dev", "key.pem");
        return factory;
    }

    [Fact]
    public async Task AFirstDevelopmentRunGeneratesAPrivateKeyOnlyTheOwnerCanReadAndReusesItLater()
    {
        var keyPath = Path.Combine(_folder, "dev", "key.pem");
        string publicKey;
        using (var first = WithoutKeys("Development"))
        {
            using var http = first.Http();
            Assert.True(File.Exists(keyPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            publicKey = File.ReadAllText(Path.ChangeExtension(keyPath, ".pub.pem"));
            Assert.Contains(publicKey.Trim().Split('\n')[1], first.Logs.All);
            Assert.DoesNotContain("PRIVATE KEY", first.Logs.All);

            using var rsa = RSA.Create();
            rsa.ImportFromPem(publicKey);
            var answer = await new MetaFlowClient(http, rsa, FlowsApiFactory.AppSecret).ExchangeAsync("/flows/sign_up", """{"version":"3.0","action":"ping"}""");
            Assert.Equal("active", (string?)answer["data"]!["status"]);
        }
        using var second = WithoutKeys("Development");
        using var _ = second.Http();
        Assert.Contains("Using the DEVELOPMENT Flows key", second.Logs.All);
        Assert.Equal(publicKey, File.ReadAllText(Path.ChangeExtension(keyPath, ".pub.pem")));
    }

    [Fact]
    public void OutsideDevelopmentAMissingKeyStopsStartUpWithAClearMessage()
    {
        using var factory = WithoutKeys("Production");
        var ex = Assert.Throws<StartupRefusedException>(() => factory.Http());
        Assert.StartsWith("No private key is configured for the Flows endpoint.", ex.Message);
        Assert.False(File.Exists(Path.Combine(_folder, "dev", "key.pem")));
    }

    [Fact]
    public void AWrongPassphraseStopsStartUpNamingTheKey()
    {
        using var factory = new FlowsApiFactory();
        factory.Settings["FlowEndpoint:Keys:0:Pem"] = RecordedExchange.PrivateKeyPem;
        factory.Settings["FlowEndpoint:Keys:0:Passphrase"] = "wrong";

        var ex = Assert.Throws<StartupRefusedException>(() => factory.Http());
        Assert.StartsWith("FlowEndpoint:Keys:0", ex.Message);
        Assert.Contains("the passphrase is wrong", ex.Message);
        Assert.IsType<FlowKeyException>(ex.InnerException);
    }

    [Fact]
    public async Task AKeyFileWithItsPassphraseServesMetasRecordedPing()
    {
        var keyPath = Path.Combine(_folder, "meta.pem");
        File.WriteAllText(keyPath, RecordedExchange.PrivateKeyPem);
        using var factory = new FlowsApiFactory();
        factory.Settings.Remove("FlowEndpoint:Keys:0:Pem");
        factory.Settings["FlowEndpoint:Keys:0:Path"] = keyPath;
        factory.Settings["FlowEndpoint:Keys:0:Passphrase"] = RecordedExchange.Passphrase;
        factory.Settings.Remove("Meta:AppSecret");
        var ping = RecordedExchange.All().Single(e => e.Name == "01");

        using var response = await factory.Meta(sign: false).PostRawAsync("/flows/default", System.Text.Encoding.UTF8.GetBytes(ping.EnvelopeJson));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ping.RawResponseBody, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TwoKeysServeRequestsForEitherDuringRotation()
    {
        using var previous = RSA.Create(2048);
        using var factory = new FlowsApiFactory();
        factory.Settings["FlowEndpoint:Keys:1:Pem"] = previous.ExportPkcs8PrivateKeyPem();
        using var http = factory.Http();

        foreach (var key in new[] { factory.BusinessKey, previous })
        {
            var answer = await new MetaFlowClient(http, key, FlowsApiFactory.AppSecret).ExchangeAsync("/flows/sign_up", """{"version":"3.0","action":"ping"}""");
            Assert.Equal("active", (string?)answer["data"]!["status"]);
        }
    }

    [Fact]
    public void AnInvalidFlowNameStopsStartUp()
    {
        using var factory = new FlowsApiFactory();
        factory.Settings["FlowEndpoint:Flows:0"] = "../etc";
        var ex = Assert.Throws<OptionsValidationException>(() => factory.Http());
        Assert.Equal(typeof(FlowEndpointOptions), ex.OptionsType);
        Assert.Contains("FlowEndpoint:Flows names may contain only letters, digits, '-' and '_'.", ex.Failures);
    }
}

/// <summary>Behaviour that depends on settings other than the defaults.</summary>
public sealed class EndpointSettingsTests
{
    [Fact]
    public async Task WithoutAFlowDefinitionScreenRequestsAre501AndPingStillWorks()
    {
        using var factory = new FlowsApiFactory { UseTestHandler = false };
        var meta = factory.Meta();

        // "default" is served (configured) but no flow definition is registered under that name.
        var ping = await meta.ExchangeAsync("/flows/default", """{"version":"3.0","action":"ping"}""");
        using var init = await meta.PostAsync("/flows/default", meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"t"}"""));

        Assert.Equal("active", (string?)ping["data"]!["status"]);
        Assert.Equal(HttpStatusCode.NotImplemented, init.StatusCode);
        Assert.Contains("No flow definition is registered for flow 'default'", await init.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The427MessageCanBeEncryptedLikeMetasExample()
    {
        using var factory = new FlowsApiFactory();
        factory.Settings["FlowEndpoint:InvalidatedTokenBody"] = "Encrypted";
        var meta = factory.Meta();
        var request = meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"revoked"}""");

        using var response = await meta.PostAsync("/flows/sign_up", request);

        Assert.Equal(427, (int)response.StatusCode);
        Assert.Equal("""{"error_msg":"This sign-up was already completed"}""", request.OpenResponse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task WithoutAnAppSecretUnsignedEndpointRequestsAreServedButWebhooksAreNot()
    {
        using var factory = new FlowsApiFactory();
        factory.Settings.Remove("Meta:AppSecret");
        var meta = factory.Meta(sign: false);

        var ping = await meta.ExchangeAsync("/flows/sign_up", """{"version":"3.0","action":"ping"}""");
        using var webhook = await factory.Http().PostAsync("/webhook", new StringContent("""{"object":"whatsapp_business_account","entry":[]}"""));

        Assert.Equal("active", (string?)ping["data"]!["status"]);
        Assert.Equal(HttpStatusCode.Unauthorized, webhook.StatusCode);
    }

    [Fact]
    public async Task ARequestPastItsDeadlineIs504()
    {
        using var factory = new FlowsApiFactory();
        factory.Settings["FlowEndpoint:RequestTimeout"] = "00:00:00.500";
        var meta = factory.Meta();
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var response = await meta.PostAsync("/flows/sign_up", meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"slow"}"""));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task ASmallerBodyLimitIsHonoured()
    {
        using var factory = new FlowsApiFactory();
        factory.Settings["FlowEndpoint:MaxRequestBytes"] = "2048";
        var meta = factory.Meta();

        using var response = await meta.PostAsync("/flows/sign_up", meta.Seal($$"""{"version":"3.0","action":"INIT","flow_token":"{{new string('x', 4000)}}"}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("FlowEndpoint:Keys:0:Path", "/nonexistent/key.pem", "FlowEndpoint:Keys:0")]
    [InlineData("Cluster:Storage", "Postgres", "Cluster:ConnectionString is required")]
    public async Task AsAProcessARefusalExitsWithCode2AndOneLineWithoutAStackTrace(string setting, string value, string named)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Backend.Api.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Cluster__SiloPort"] = "0";
        start.Environment["Cluster__GatewayPort"] = "-1";
        start.Environment[setting.Replace(":", "__", StringComparison.Ordinal)] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var lines = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, process.ExitCode);
        Assert.Single(lines);
        Assert.StartsWith("Start-up refused: ", lines[0]);
        Assert.Contains(named, lines[0]);
        Assert.DoesNotContain("   at ", await output + await errors);
    }
}
