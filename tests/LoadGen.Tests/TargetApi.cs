using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.Api.Endpoint;
using Backend.Flows.Endpoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Backend.LoadGen.Tests;

/// <summary>
/// The real Api as the load target, on Kestrel at 127.0.0.1 (a free port), with a business key pair made for the
/// run, an app secret and the <c>sign_up</c> flow; optionally a test handler behind the exchange seam.
/// </summary>
public sealed class TargetApi : WebApplicationFactory<Program>
{
    public const string AppSecret = "load-test-app-secret";

    private readonly RSA _key = RSA.Create(2048);
    private readonly Action<IServiceCollection>? _services;
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("flows-load-tests-").FullName;

    /// <summary>The Api as configured by default, or with <paramref name="services"/> applied over its services.</summary>
    public TargetApi(Action<IServiceCollection>? services = null)
    {
        _services = services;
        // Bound through the "urls" setting rather than UseKestrel(port), which races the app's own bind
        // (dotnet/aspnetcore#67714).
        UseKestrel();
        PublicKeyFile = Path.Combine(_keyDirectory, "public.pem");
        File.WriteAllText(PublicKeyFile, _key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The Api with <paramref name="handler"/> answering the flow's exchanges.</summary>
    public TargetApi(IFlowExchangeHandler handler)
        : this(services =>
        {
            services.RemoveAll<IFlowExchangeHandler>();
            services.AddSingleton(handler);
        })
    {
    }

    /// <summary>Extra configuration (e.g. the admin token, the token policy), applied before start.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>The business public key, as the operator would hand it to the tool.</summary>
    public string PublicKeyFile { get; }

    /// <summary>The base URL of the running Api.</summary>
    public Uri BaseUrl
    {
        get
        {
            StartServer();
            using var client = CreateClient();
            return client.BaseAddress!;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("FlowEndpoint:Flows:0", "sign_up");
        builder.UseSetting("FlowEndpoint:Keys:0:Pem", _key.ExportPkcs8PrivateKeyPem());
        builder.UseSetting("Meta:AppSecret", AppSecret);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.ClearProviders());
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            // The factory may be disposed more than once (Dispose and DisposeAsync).
            _key.Dispose();
            if (Directory.Exists(_keyDirectory))
            {
                Directory.Delete(_keyDirectory, recursive: true);
            }
        }
    }
}

/// <summary>A broken sign-up flow: INIT opens the wrong screen, or the handler throws (a 500). It keeps the tokens it saw.</summary>
public sealed class BrokenFlowHandler(bool crash) : IFlowExchangeHandler
{
    public ConcurrentBag<string> Tokens { get; } = [];

    public ValueTask<FlowExchangeOutcome> HandleAsync(string flowName, DataExchangeRequest request, CancellationToken cancellationToken)
    {
        Tokens.Add(request.FlowToken);
        return crash
            ? throw new InvalidOperationException("handler failure")
            : ValueTask.FromResult<FlowExchangeOutcome>(new FlowExchangeOutcome.Respond(
                new NextScreenResponse("WELCOME", new JsonObject { ["password_initial_value"] = "leaked-secret" })));
    }

    public ValueTask OnErrorNotificationAsync(string flowName, ErrorNotificationRequest notification, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}

/// <summary>
/// Stands in for the admin API's token issuing (<c>POST /admin/flows/sign_up/sessions</c>) so the tool's use of it
/// can be checked before the real one exists: answers <c>{"flow_token":"issued-…"}</c> to the right bearer token.
/// </summary>
public sealed class TokenIssuingStartupFilter(string adminToken) : IStartupFilter
{
    public ConcurrentBag<string> Recipients { get; } = [];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Map("/admin/flows/sign_up/sessions", issuing => issuing.Run(async http =>
        {
            if (http.Request.Method != "POST" || http.Request.Headers.Authorization != $"Bearer {adminToken}")
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            var body = await JsonNode.ParseAsync(http.Request.Body);
            var to = (string)body!["to"]!;
            Recipients.Add(to);
            await http.Response.WriteAsJsonAsync(new { flow_token = "issued-" + Guid.NewGuid().ToString("N"), to });
        }));
        next(app);
    };
}
