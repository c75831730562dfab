using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.Api.Endpoint;
using Backend.Api.Webhook;
using Backend.Flows.Endpoint;
using Backend.Flows.Webhooks;
using Backend.TestSupport.Logging;
using Backend.TestSupport.Meta;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Backend.Api.Tests;

/// <summary>
/// The real Api on Kestrel at 127.0.0.1 (a free port), with a business key pair made for the run, an app secret,
/// a verify token, a small test flow behind the handler seam and a log capture. Settings can be overridden.
/// </summary>
public class FlowsApiFactory : WebApplicationFactory<Program>
{
    public const string AppSecret = "test-app-secret";
    public const string VerifyToken = "test-verify-token";

    private readonly bool _ownsKey;
    private string? _keyDirectory;

    public RSA BusinessKey { get; }
    public EchoFlowHandler Handler { get; } = new();
    public RecordingCompletionSink Sink { get; } = new();
    public LogCapture Logs { get; } = new();
    public Dictionary<string, string?> Settings { get; } = new();
    public bool UseTestHandler { get; set; } = true;
    public bool UseTestSink { get; set; } = true;
    public string Environment { get; init; } = "Testing";

    /// <summary>Whether <see cref="Logs"/> keeps every line (at Trace); off for load runs, which log too much to keep.</summary>
    public bool CaptureLogs { get; init; } = true;

    /// <summary>Applied over the Api's services after the test handler and sink (e.g. a handler of the test's own).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>A factory with a key pair of its own (the form xUnit class fixtures use).</summary>
    public FlowsApiFactory()
        : this(null)
    {
    }

    /// <summary>A factory serving with <paramref name="businessKey"/>, which the caller keeps (e.g. across a restart).</summary>
    public static FlowsApiFactory WithKey(RSA businessKey) => new(businessKey);

    private FlowsApiFactory(RSA? businessKey)
    {
        _ownsKey = businessKey is null;
        BusinessKey = businessKey ?? RSA.Create(2048);
        Settings["FlowEndpoint:Flows:0"] = "sign_up";
        Settings["FlowEndpoint:Flows:1"] = "default";
        Settings["FlowEndpoint:Keys:0:Pem"] = BusinessKey.ExportPkcs8PrivateKeyPem();
        Settings["Meta:AppSecret"] = AppSecret;
        Settings["Meta:WebhookVerifyToken"] = VerifyToken;
        Settings["Accounts:DataKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // The co-hosted silo on a free port and without a gateway: many Api hosts run side by side in tests.
        Settings["Cluster:SiloPort"] = "0";
        Settings["Cluster:GatewayPort"] = "-1";
        // Real sockets. The address goes through the host's "urls" setting: UseKestrel(port) rewrites the server's
        // addresses after the app has started binding, a race in Mvc.Testing (dotnet/aspnetcore#67714).
        UseKestrel();
    }

    /// <summary>An HTTP client on the real socket.</summary>
    public HttpClient Http()
    {
        StartServer();
        return CreateClient();
    }

    /// <summary>The base URL of the running Api.</summary>
    public Uri BaseUrl
    {
        get
        {
            using var client = Http();
            return client.BaseAddress!;
        }
    }

    /// <summary>The business public key in a PEM file, as an operator would hand it to a tool (removed on dispose).</summary>
    public string PublicKeyFile
    {
        get
        {
            _keyDirectory ??= Directory.CreateTempSubdirectory("flows-api-tests-").FullName;
            var path = Path.Combine(_keyDirectory, "public.pem");
            if (!File.Exists(path))
            {
                File.WriteAllText(path, BusinessKey.ExportSubjectPublicKeyInfoPem());
            }
            return path;
        }
    }

    /// <summary>A client that encrypts and signs like Meta.</summary>
    public MetaFlowClient Meta(bool sign = true) => new(Http(), BusinessKey, sign ? AppSecret : null);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("urls", "http://127.0.0.1:0");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging =>
        {
            if (CaptureLogs)
            {
                logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace);
            }
            else
            {
                logging.ClearProviders();
            }
        });
        builder.ConfigureServices(services =>
        {
            if (UseTestHandler)
            {
                services.RemoveAll<IFlowExchangeHandler>();
                services.AddSingleton<IFlowExchangeHandler>(Handler);
            }
            if (UseTestSink)
            {
                services.RemoveAll<IFlowCompletionSink>();
                services.AddSingleton<IFlowCompletionSink>(Sink);
            }
            TestServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsKey)
        {
            BusinessKey.Dispose();
        }
        // The factory may be disposed more than once (Dispose and DisposeAsync).
        if (disposing && _keyDirectory is not null && Directory.Exists(_keyDirectory))
        {
            Directory.Delete(_keyDirectory, recursive: true);
        }
    }
}

/// <summary>
/// A two-screen test flow behind the handler seam: INIT shows START with a greeting, a data_exchange on START
/// echoes the input on DONE, the token "revoked" is invalidated, "slow" takes longer than any deadline, "unsaved"
/// fails as a grain whose state could not be saved.
/// It records every call so tests can assert that refused requests reached nothing.
/// </summary>
public sealed class EchoFlowHandler : IFlowExchangeHandler
{
    public ConcurrentQueue<DataExchangeRequest> Requests { get; } = new();
    public ConcurrentQueue<ErrorNotificationRequest> ErrorNotifications { get; } = new();
    public int Calls => Requests.Count + ErrorNotifications.Count;

    public async ValueTask<FlowExchangeOutcome> HandleAsync(string flowName, DataExchangeRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        switch (request.FlowToken)
        {
            case "revoked":
                return new FlowExchangeOutcome.TokenInvalidated("This sign-up was already completed");
            case "revoked-silently":
                return new FlowExchangeOutcome.TokenInvalidated();
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                break;
            case "crash":
                throw new InvalidOperationException("handler failure");
            case "unsaved":
                throw new Backend.Grains.StateNotSavedException("Could not write state 'session' of flow-session/x: SQL state 57P01.");
        }
        return request.Action switch
        {
            FlowRequestAction.Init => new FlowExchangeOutcome.Respond(new NextScreenResponse("START", new JsonObject { ["greeting"] = "Olá 👋" })),
            _ => new FlowExchangeOutcome.Respond(new NextScreenResponse("DONE", new JsonObject { ["echo"] = request.Data.DeepClone() })),
        };
    }

    public ValueTask OnErrorNotificationAsync(string flowName, ErrorNotificationRequest notification, CancellationToken cancellationToken)
    {
        ErrorNotifications.Enqueue(notification);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Records what the webhook delivers; can be told to fail once.</summary>
public sealed class RecordingCompletionSink : IFlowCompletionSink
{
    public ConcurrentQueue<FlowCompletion> Completions { get; } = new();
    public ConcurrentQueue<FlowEvent> Events { get; } = new();
    public int FailuresToInject;

    public ValueTask<bool> OnCompletedAsync(FlowCompletion completion, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref FailuresToInject) >= 0)
        {
            throw new InvalidOperationException("storage unavailable");
        }
        Completions.Enqueue(completion);
        return ValueTask.FromResult(true);
    }

    public ValueTask OnFlowEventAsync(FlowEvent flowEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(flowEvent);
        return ValueTask.CompletedTask;
    }
}
