using System.Collections.Frozen;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Backend.Api.Admin;
using Backend.Api.Dashboard;
using Backend.Flows.Endpoint;
using Backend.Grains;
using Backend.Grains.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Backend.Api.Simulator;

/// <summary>
/// The local flow simulator at <c>/dashboard/simulator</c>, behind the dashboard's sign-in: a page that renders a
/// flow's screens from its Flow JSON in a phone-sized frame, and its JSON API under <c>/dashboard/simulator/api</c>:
/// the catalog's flows and uploaded Flow JSON files with the validator's findings, sessions (a real flow token
/// issued as the admin API issues it, or a minted one for another endpoint), the exchange relay that plays Meta's
/// client against an endpoint on this machine (<see cref="SimulatorRelay"/>), and the completion webhook Meta
/// would send. See <c>docs/simulator.md</c>.
/// </summary>
public static partial class SimulatorApi
{
    // The dashboard's policy, but images may also be data: and blob: URLs (Flow JSON images are base64, pickers preview local files).
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Where picked files are served, encrypted, as from Meta's CDN.</summary>
    public const string MediaPath = "/dashboard/simulator/media";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Assets = DashboardApi.LoadAssets("Backend.Api.Simulator.Assets.");

    /// <summary>Registers the simulator's settings, its flows and relay, and the HTTP client it posts with.</summary>
    public static IHostApplicationBuilder AddSimulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SimulatorFlows>();
        builder.Services.AddSingleton<SimulatorRelay>();
        builder.Services.AddSingleton<SimulatorMedia>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(SimulatorRelay.ClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<SimulatorOptions>>().Value.RequestTimeout;
                // An endpoint's answer is a screen's data: a few kilobytes. Anything past this is refused, not buffered.
                client.MaxResponseContentBufferSize = 4 * 1024 * 1024;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        return builder;
    }

    /// <summary>Maps the simulator's page and API behind the dashboard's cookie (unless the dashboard or <c>Simulator:Enabled</c> is off).</summary>
    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder routes)
    {
        var (dashboard, _) = SiloHostingExtensions.DashboardSettings(routes.ServiceProvider.GetRequiredService<IConfiguration>());
        if (!dashboard || !routes.ServiceProvider.GetRequiredService<IOptions<SimulatorOptions>>().Value.Enabled)
        {
            return routes;
        }
        var simulator = routes.MapGroup("/dashboard/simulator").WithTags("Simulator").ExcludeFromDescription().RequireAuthorization(DashboardCookie.Policy);
        simulator.MapGet("/", (HttpContext http) => DashboardApi.Page(http, Assets["simulator.html"], ContentSecurityPolicy));
        simulator.MapGet("/assets/{name}", (string name, HttpContext http) => DashboardApi.Asset(http, Assets, name));
        simulator.MapGet("/api/flows", (SimulatorFlows flows, HttpContext http) =>
        {
            DashboardApi.NoStore(http);
            return TypedResults.Ok(flows.Catalog());
        });
        simulator.MapGet("/api/flows/{key}", GetFlow);
        simulator.MapPost("/api/flows", UploadAsync);
        simulator.MapPost("/api/sessions", StartAsync);
        simulator.MapPost("/api/exchange", ExchangeAsync);
        simulator.MapPost("/api/complete", CompleteAsync);
        simulator.MapPost("/api/media", UploadMediaAsync);
        // Like Meta's CDN, the encrypted file is fetched without a sign-in (the endpoint downloads it); its name is a
        // random 128-bit capability, and what it serves opens only with the keys the endpoint was sent.
        routes.MapGet(MediaPath + "/{id}", (string id, SimulatorMedia media) =>
                media.Find(id) is { } bytes ? Results.Bytes(bytes, "application/octet-stream") : Results.NotFound())
            .ExcludeFromDescription();
        return routes;
    }

    private static Results<Ok<SimulatorFlowView>, NotFound> GetFlow(string key, SimulatorFlows flows, IServer server, HttpContext http)
    {
        DashboardApi.NoStore(http);
        return flows.Find(key) is { } flow ? TypedResults.Ok(flow.View(DefaultEndpoint(flow, server, http))) : TypedResults.NotFound();
    }

    // The body is the Flow JSON file itself; ?name= names it. Not JSON at all: 400 with the validator's finding.
    private static async Task<Results<Created<SimulatorFlowView>, ProblemHttpResult>> UploadAsync(
        HttpContext http, SimulatorFlows flows, IOptions<SimulatorOptions> options, ILoggerFactory loggers)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || type.MediaType != "application/json")
        {
            return TypedResults.Problem("Post the Flow JSON file as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        var limit = options.Value.MaxFlowJsonBytes;
        if (await RequestBody.ReadAsync(http.Request, limit, http.RequestAborted) is not { } body)
        {
            return TypedResults.Problem($"The Flow JSON is larger than {limit} bytes (Simulator:MaxFlowJsonBytes).", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        var name = http.Request.Query["name"].ToString();
        name = name.Length is > 0 and <= 200 ? name : "flow.json";
        var flow = flows.Upload(name, Encoding.UTF8.GetString(body));
        LogUploaded(loggers.CreateLogger(typeof(SimulatorApi)), flow.Key, flow.Findings.Count);
        if (flow.Json is null)
        {
            return TypedResults.Problem(
                "The file is not a Flow JSON object: " + string.Join(" ", flow.Findings.Select(f => f.Message)),
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["findings"] = flow.Findings });
        }
        return TypedResults.Created($"/dashboard/simulator?flow={flow.Key}", flow.View(null));
    }

    private static async Task<Results<Ok<SimulatorSession>, ProblemHttpResult>> StartAsync(
        SimulatorSessionRequest request, SimulatorFlows flows, IServer server, HttpContext http, IOptions<SimulatorOptions> options,
        [AsParameters] AdminApi.IssueServices issue)
    {
        if (request.Flow is null || flows.Find(request.Flow) is not { } flow)
        {
            return TypedResults.Problem($"No flow '{request.Flow}': name a catalog flow or an uploaded file's key.", statusCode: StatusCodes.Status404NotFound);
        }
        var own = DefaultEndpoint(flow, server, http);
        var endpointUrl = string.IsNullOrEmpty(request.EndpointUrl) ? own : request.EndpointUrl;
        if (endpointUrl is not null && !SimulatorRelay.TryLoopback(endpointUrl, out _, out var error))
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }
        if (own is null || !string.Equals(endpointUrl, own, StringComparison.OrdinalIgnoreCase))
        {
            // Another endpoint, or a flow this backend does not serve: a token nobody issued, as Meta's preview sends.
            return TypedResults.Ok(new SimulatorSession(FlowTokens.Mint(), false, null, null, endpointUrl));
        }
        // This backend's own flow: a real session, issued as the admin API issues it.
        var issued = await AdminApi.IssueSessionAsync(flow.Name, new IssueSessionRequest { To = options.Value.Recipient }, issue);
        if (issued.Problem is { } problem)
        {
            return problem;
        }
        return TypedResults.Ok(new SimulatorSession(issued.Session!.FlowToken, true, FlowSessionKey.Of(issued.Session.FlowToken), issued.Session.ExpiresAt, endpointUrl));
    }

    private static async Task<Results<Ok<SimulatorExchange>, ProblemHttpResult>> ExchangeAsync(
        SimulatorExchangeRequest request, SimulatorFlows flows, SimulatorRelay relay, HttpContext http)
    {
        if (!SimulatorRelay.TryLoopback(request.EndpointUrl, out var endpoint, out var error))
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }
        if (request.Request?["action"] is not JsonValue action || !action.TryGetValue<string>(out _))
        {
            return TypedResults.Problem("'request' must be the clear request: an object with 'action' (and 'version', 'screen', 'data', 'flow_token').", statusCode: StatusCodes.Status400BadRequest);
        }
        var pem = string.IsNullOrWhiteSpace(request.PublicKeyPem) ? relay.OwnPublicKeyPem : request.PublicKeyPem;
        if (!IsPublicKey(pem))
        {
            return TypedResults.Problem("public_key_pem must be an RSA public key in PEM (-----BEGIN PUBLIC KEY-----).", statusCode: StatusCodes.Status400BadRequest);
        }
        var flow = request.Flow is null ? null : flows.Find(request.Flow);
        var appSecret = string.IsNullOrEmpty(request.AppSecret) ? relay.ConfiguredAppSecret : request.AppSecret;
        var clear = (JsonObject)request.Request.DeepClone();
        return TypedResults.Ok(await relay.ExchangeAsync(endpoint, clear, pem, string.IsNullOrEmpty(appSecret) ? null : appSecret, flow, http.RequestAborted));
    }

    // Delivered as Meta delivers it: over HTTP to this backend's /webhook, signed with Meta:AppSecret.
    private static async Task<Results<Ok<SimulatorCompletion>, ProblemHttpResult>> CompleteAsync(
        SimulatorCompletionRequest request, SimulatorRelay relay, IHttpClientFactory clients, IServer server, HttpContext http,
        IOptions<SimulatorOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        if (string.IsNullOrEmpty(request.FlowToken))
        {
            return TypedResults.Problem("flow_token is required.", statusCode: StatusCodes.Status400BadRequest);
        }
        var responseJson = request.Payload?.DeepClone().AsObject() ?? [];
        responseJson["flow_token"] = request.FlowToken;
        var messageId = "wamid.SIM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var webhook = CompletionWebhook.Build(responseJson, options.Value.Recipient, messageId, time.GetUtcNow());
        var body = Encoding.UTF8.GetBytes(webhook.ToJsonString());

        var secret = relay.ConfiguredAppSecret;
        using var message = SimulatorRelay.SignedPost(new Uri(OwnBaseUrl(server, http) + "/webhook"), body, secret);
        using var response = await clients.CreateClient(SimulatorRelay.ClientName).SendAsync(message, http.RequestAborted);
        LogCompleted(loggers.CreateLogger(typeof(SimulatorApi)), (int)response.StatusCode);
        return TypedResults.Ok(new SimulatorCompletion((int)response.StatusCode, !string.IsNullOrEmpty(secret), messageId, webhook));
    }

    private static bool IsPublicKey(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// A file picked on the page (the request's body, its name in <c>name</c>): encrypted and kept as Meta's CDN keeps
    /// an upload; the answer is the picker value Meta would put in the payload (<see cref="SimulatorMedia"/>).
    /// </summary>
    private static async Task<Results<Created<JsonObject>, ProblemHttpResult>> UploadMediaAsync(
        string? name, HttpContext http, SimulatorMedia media, IServer server, IOptions<SimulatorOptions> options)
    {
        var limit = options.Value.MaxMediaBytes;
        if (await RequestBody.ReadAsync(http.Request, limit, http.RequestAborted) is not { } file)
        {
            return TypedResults.Problem($"A picked file may have at most {limit} bytes (Simulator:MaxMediaBytes).", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        var fileName = string.IsNullOrWhiteSpace(name) ? "file" : Path.GetFileName(name.Trim());
        var value = media.Add(file, fileName, OwnBaseUrl(server, http));
        return TypedResults.Created((string?)value["cdn_url"], value);
    }

    // This backend's endpoint for a flow it serves; none for other flows.
    private static string? DefaultEndpoint(SimulatorFlow flow, IServer server, HttpContext http) =>
        flow.Served ? $"{OwnBaseUrl(server, http)}/flows/{flow.Name}" : null;

    /// <summary>
    /// Where this process listens, as a loopback URL (a wildcard address becomes 127.0.0.1), plain HTTP preferred:
    /// the simulator reaches this backend over real HTTP, as Meta would, not through a side door.
    /// </summary>
    internal static string OwnBaseUrl(IServer server, HttpContext http)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase)).FirstOrDefault();
        if (chosen is null || !Uri.TryCreate(chosen.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1"), UriKind.Absolute, out var uri))
        {
            return $"{http.Request.Scheme}://{http.Request.Host}";
        }
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }

    [LoggerMessage(82, LogLevel.Information, "Simulator: Flow JSON uploaded as {Key} ({Findings} findings)")]
    private static partial void LogUploaded(ILogger logger, string key, int findings);

    [LoggerMessage(83, LogLevel.Information, "Simulator: the completion webhook answered {Status}")]
    private static partial void LogCompleted(ILogger logger, int status);
}
