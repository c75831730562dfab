using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Backend.Api.FlowEndpoint;
using Backend.Api.Webhook;
using Backend.Flows.Graph;
using Backend.Flows.Routing;
using Backend.Grains;
using Backend.Grains.Sessions;
using Microsoft.Extensions.Options;

namespace Backend.Api.Sessions;

/// <summary>Settings of the admin API (section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The bearer token of <c>/admin</c>; without one, the admin API refuses every request.</summary>
    public string? Token { get; set; }

    /// <summary>Meta's flow id per flow name, used when a send request names none (else <c>flow_name</c> is sent).</summary>
    public Dictionary<string, string> FlowIds { get; set; } = [];
}

/// <summary>Ask for a flow token for <see cref="To"/>, and the flow message that carries it.</summary>
public sealed record IssueSessionRequest
{
    /// <summary>The recipient's WhatsApp id (phone number with country code).</summary>
    public required string To { get; init; }

    public string? FlowId { get; init; }

    public string? FlowName { get; init; }

    public string Cta { get; init; } = "Open";

    public string Body { get; init; } = "Please continue in the form.";

    public string? Header { get; init; }

    public string? Footer { get; init; }

    /// <summary><c>navigate</c> (the first screen opens without calling the endpoint) or <c>data_exchange</c> (INIT).</summary>
    public FlowMessageAction Action { get; init; } = FlowMessageAction.Navigate;

    /// <summary>The screen to open with <c>navigate</c>; default: the flow's first screen.</summary>
    public string? Screen { get; init; }

    public JsonObject? Data { get; init; }

    public FlowMessageMode Mode { get; init; } = FlowMessageMode.Published;
}

/// <summary>An issued session and the Graph API request body that sends it.</summary>
public sealed record IssuedSession(string FlowToken, string FlowName, DateTimeOffset? ExpiresAt, JsonObject Message);

/// <summary>A sent flow message.</summary>
public sealed record SentSession(string FlowToken, string FlowName, DateTimeOffset? ExpiresAt, string? MessageId);

/// <summary>
/// Flow sessions on grains, and the admin API that issues, inspects, invalidates and sends them:
/// <c>POST /admin/flows/{name}/sessions</c>, <c>POST /admin/flows/{name}/send</c>,
/// <c>GET /admin/sessions/{token}</c>, <c>POST /admin/sessions/{token}/invalidate</c>.
/// </summary>
public static partial class SessionsApi
{
    /// <summary>Wires the endpoint and the webhook to the session grains, and registers the admin API's settings.</summary>
    public static IHostApplicationBuilder AddFlowSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IFlowExchangeHandler, GrainFlowExchangeHandler>();
        builder.Services.AddSingleton<IFlowCompletionSink, GrainFlowCompletionSink>();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });
        // Sending needs Meta's Graph API; without an access token the admin API can still issue sessions.
        var graph = builder.Configuration.GetSection("WhatsApp");
        if (!string.IsNullOrEmpty(graph["AccessToken"]))
        {
            builder.Services.AddWhatsAppGraphClient(graph);
        }
        return builder;
    }

    /// <summary>Maps the admin API.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Admin").AddEndpointFilter(RequireAdminToken);
        admin.MapPost("/flows/{name}/sessions", IssueAsync);
        admin.MapPost("/flows/{name}/send", SendAsync);
        admin.MapGet("/sessions/{token}", GetAsync);
        admin.MapPost("/sessions/{token}/invalidate", InvalidateAsync);
        return routes;
    }

    private static async Task<IResult> IssueAsync(string name, IssueSessionRequest request, IGrainFactory grains, FlowRegistry catalog, IOptions<FlowSessionOptions> sessions, IOptions<AdminOptions> admin)
    {
        var (issued, _, problem) = await IssueSessionAsync(name, request, grains, catalog, sessions.Value, admin.Value);
        return problem ?? TypedResults.Created($"/admin/sessions/{issued!.FlowToken}", issued);
    }

    private static async Task<IResult> SendAsync(
        string name, IssueSessionRequest request, IGrainFactory grains, FlowRegistry catalog,
        IOptions<FlowSessionOptions> sessions, IOptions<AdminOptions> admin, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<IWhatsAppGraphClient>() is not { } graph)
        {
            return TypedResults.Problem("Sending needs the Graph API: set WhatsApp:AccessToken and WhatsApp:PhoneNumberId.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var (issued, message, problem) = await IssueSessionAsync(name, request, grains, catalog, sessions.Value, admin.Value);
        if (problem is not null)
        {
            return problem;
        }
        try
        {
            var sent = await graph.SendFlowMessageAsync(message!, cancellationToken: cancellationToken);
            return TypedResults.Ok(new SentSession(issued!.FlowToken, name, issued.ExpiresAt, sent.MessageId));
        }
        catch (GraphApiException ex)
        {
            // The token was never delivered: close it so it cannot be used.
            await grains.GetFlowSession(issued!.FlowToken).Invalidate("the flow message could not be sent");
            return TypedResults.Problem($"Meta refused the message: {ex.Message}", statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<(IssuedSession? Issued, FlowMessage? Message, IResult? Problem)> IssueSessionAsync(
        string name, IssueSessionRequest request, IGrainFactory grains, FlowRegistry catalog, FlowSessionOptions sessions, AdminOptions admin)
    {
        if (catalog.Find(name) is null)
        {
            return (null, null, TypedResults.Problem($"No flow named '{name}'.", statusCode: StatusCodes.Status404NotFound));
        }
        if (string.IsNullOrWhiteSpace(request.To) || !request.To.TrimStart('+').All(char.IsAsciiDigit))
        {
            return (null, null, TypedResults.Problem("'to' must be a WhatsApp id: digits, optionally after '+'.", statusCode: StatusCodes.Status400BadRequest));
        }
        // 256 bits from the OS CSPRNG, URL-safe: unguessable, and usable as a grain key and in URLs.
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var message = Message(name, request, token, catalog, admin);
        var problems = message.Validate();
        if (problems.Count > 0)
        {
            return (null, null, TypedResults.Problem(string.Join(" ", problems), statusCode: StatusCodes.Status400BadRequest));
        }
        var snapshot = await grains.GetFlowSession(token).Issue(new FlowSessionIssue(name, request.To, sessions.Lifetime));
        return (new IssuedSession(token, name, snapshot.ExpiresAt, message.ToRequestBody()), message, null);
    }

    private static FlowMessage Message(string name, IssueSessionRequest request, string token, FlowRegistry catalog, AdminOptions admin)
    {
        var flowId = request.FlowId ?? admin.FlowIds.GetValueOrDefault(name);
        return new FlowMessage
        {
            To = request.To,
            FlowId = flowId,
            FlowName = flowId is null ? request.FlowName ?? name : null,
            Cta = request.Cta,
            Body = request.Body,
            Header = request.Header,
            Footer = request.Footer,
            FlowToken = token,
            Action = request.Action,
            Screen = request.Action == FlowMessageAction.Navigate ? request.Screen ?? catalog.Find(name)!.FlowJson.Screens[0].Id : null,
            Data = request.Action == FlowMessageAction.Navigate ? request.Data : null,
            Mode = request.Mode,
        };
    }

    private static async Task<IResult> GetAsync(string token, IGrainFactory grains)
    {
        var snapshot = await grains.GetFlowSession(token).Get();
        return snapshot is null ? TypedResults.NotFound() : TypedResults.Ok(snapshot);
    }

    private static async Task<IResult> InvalidateAsync(string token, IGrainFactory grains)
    {
        var session = grains.GetFlowSession(token);
        if (await session.Get() is null)
        {
            return TypedResults.NotFound();
        }
        await session.Invalidate("invalidated through the admin API");
        return TypedResults.NoContent();
    }

    private static async ValueTask<object?> RequireAdminToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var expected = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.Token;
        var header = http.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        if (!AdminToken.Matches(expected, presented))
        {
            LogAdminRefused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionsApi)),
                string.IsNullOrEmpty(expected) ? "no Admin:Token is configured" : "missing or wrong bearer token");
            return TypedResults.Unauthorized();
        }
        return await next(context);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(60, LogLevel.Warning, "Admin API request refused: {Reason}")]
    private static partial void LogAdminRefused(ILogger logger, string reason);
}
