using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.Api.Endpoint;
using Backend.Api.Webhook;
using Backend.Flows.Endpoint;
using Backend.Flows.Webhooks;
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

    public RSA BusinessKey { get; }
    public EchoFlowHandler Handler { get; } = new();
    public RecordingCompletionSink Sink { get; } = new();
    public LogCapture Logs { get; } = new();
    public Dictionary<string, string?> Settings { get; } = new();
    public bool UseTestHandler { get; set; } = true;
    public bool UseTestSink { get; set; } = true;
    public string Environment { get; init; } = "Testing";

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
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
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
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsKey)
        {
            BusinessKey.Dispose();
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

/// <summary>Keeps every formatted log line (with exceptions) so tests can search them.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
