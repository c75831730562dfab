using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backend.Flows.Endpoint;
using Backend.Flows.Graph;
using Backend.Flows.Routing;
using Backend.Grains;
using Backend.Grains.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Backend.Api.Admin;

/// <summary>
/// The admin API that issues, sends, inspects and invalidates flow sessions, behind the admin bearer scheme:
/// <c>POST /admin/flows/{name}/sessions</c>, <c>POST /admin/flows/{name}/send</c> (with an optional
/// <c>Idempotency-Key</c>), <c>GET /admin/sessions/{token}</c>, <c>POST /admin/sessions/{token}/invalidate</c>.
/// </summary>
public static class AdminApi
{
    /// <summary>The header that makes a send idempotent.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private const string SendScope = "admin-send";

    // How long a claimed key waits for its send to report back before another request may take it over: longer than
    // one Graph API attempt (30 s by default, and a send is never retried).
    private static readonly TimeSpan SendLease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Registers the admin API's settings, its bearer scheme, and Meta's Graph API client when
    /// <c>WhatsApp:AccessToken</c> is set (without it the admin API still issues sessions, but cannot send them).
    /// </summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAdminAuthentication();
        builder.Services.TryAddSingleton(TimeProvider.System);
        var graph = builder.Configuration.GetSection("WhatsApp");
        if (!string.IsNullOrEmpty(graph["AccessToken"]))
        {
            builder.Services.AddWhatsAppGraphClient(graph);
        }
        return builder;
    }

    /// <summary>Maps the admin API, every route behind <see cref="AdminAuthentication.Policy"/>.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AdminAuthentication.Policy);
        admin.MapPost("/flows/{name}/sessions", IssueAsync);
        admin.MapPost("/flows/{name}/send", SendAsync);
        admin.MapGet("/sessions/{token}", GetAsync);
        admin.MapPost("/sessions/{token}/invalidate", InvalidateAsync);
        return routes;
    }

    /// <summary>What issuing a session needs.</summary>
    internal sealed record IssueServices(IGrainFactory Grains, FlowRegistry Catalog, IOptions<FlowSessionOptions> Sessions, IOptions<AdminOptions> Admin);

    /// <summary>A send request: the flow, the message, and the client's idempotency key if any.</summary>
    internal sealed record SendRequest(string Name, [FromBody] IssueSessionRequest Body, [FromHeader(Name = IdempotencyKeyHeader)] string? IdempotencyKey);

    private static async Task<Results<Created<IssuedSession>, ProblemHttpResult>> IssueAsync(string name, IssueSessionRequest request, [AsParameters] IssueServices services)
    {
        var issued = await IssueSessionAsync(name, request, services);
        return issued.Problem is { } problem ? problem : TypedResults.Created($"/admin/sessions/{issued.Session!.FlowToken}", issued.Session);
    }

    private static async Task<Results<Ok<SentSession>, ProblemHttpResult>> SendAsync(
        [AsParameters] SendRequest send, [AsParameters] IssueServices services, [FromServices] IWhatsAppGraphClient? graph, CancellationToken cancellationToken)
    {
        if (graph is null)
        {
            return TypedResults.Problem("Sending needs the Graph API: set WhatsApp:AccessToken and WhatsApp:PhoneNumberId.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (send.IdempotencyKey is null)
        {
            return await IssueAndSendAsync(send, services, graph, cancellationToken);
        }
        if (!IdempotencyKey.IsValid(send.IdempotencyKey))
        {
            return TypedResults.Problem($"{IdempotencyKeyHeader} must be 1 to {IdempotencyKey.MaxLength} visible ASCII characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        // The key's record lives in a grain, so every Api node of the cluster sees the same one.
        var record = services.Grains.GetIdempotentCommand(SendScope, send.IdempotencyKey);
        var fingerprint = Fingerprint(send);
        var claim = await record.Claim(fingerprint, services.Admin.Value.IdempotencyWindow, SendLease);
        switch (claim.Status)
        {
            case IdempotencyClaimStatus.Completed:
                return TypedResults.Ok(JsonSerializer.Deserialize<SentSession>(claim.ResultJson!, JsonSerializerOptions.Web)!);
            case IdempotencyClaimStatus.InProgress:
                return TypedResults.Problem($"A send with this {IdempotencyKeyHeader} is in progress; retry later.", statusCode: StatusCodes.Status409Conflict);
            case IdempotencyClaimStatus.Conflict:
                return TypedResults.Problem($"This {IdempotencyKeyHeader} was used for a different request.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var result = await IssueAndSendAsync(send, services, graph, cancellationToken);
        if (result.Result is Ok<SentSession> { Value: { } sent })
        {
            await record.Complete(fingerprint, JsonSerializer.Serialize(sent, JsonSerializerOptions.Web));
        }
        else
        {
            // Refused before anything reached the user (bad request, or Meta refused the message): the key is free again.
            await record.Release(fingerprint);
        }
        return result;
    }

    // An exception other than Meta's refusal (a timeout, a lost connection) leaves the key claimed: whether the message
    // went out is unknown, so a retry answers 409 until the lease ends rather than risk sending twice.
    private static async Task<Results<Ok<SentSession>, ProblemHttpResult>> IssueAndSendAsync(
        SendRequest send, IssueServices services, IWhatsAppGraphClient graph, CancellationToken cancellationToken)
    {
        var issued = await IssueSessionAsync(send.Name, send.Body, services);
        if (issued.Problem is { } problem)
        {
            return problem;
        }
        try
        {
            var sent = await graph.SendFlowMessageAsync(issued.Message!, cancellationToken: cancellationToken);
            return TypedResults.Ok(new SentSession(issued.Session!.FlowToken, send.Name, issued.Session.ExpiresAt, sent.MessageId));
        }
        catch (GraphApiException ex)
        {
            // The token was never delivered: close it so it cannot be used.
            await services.Grains.GetFlowSession(issued.Session!.FlowToken).Invalidate("the flow message could not be sent");
            return TypedResults.Problem($"Meta refused the message: {ex.Message}", statusCode: StatusCodes.Status502BadGateway);
        }
    }

    /// <summary>An issued session and its message, or why none was issued.</summary>
    internal readonly record struct Issued(IssuedSession? Session, FlowMessage? Message, ProblemHttpResult? Problem);

    /// <summary>Issues a flow token for flow <paramref name="name"/> (a session grain) and builds its message; also the simulator's way in.</summary>
    internal static async Task<Issued> IssueSessionAsync(string name, IssueSessionRequest request, IssueServices services)
    {
        if (services.Catalog.Find(name) is not { } flow)
        {
            return new(null, null, TypedResults.Problem($"No flow named '{name}'.", statusCode: StatusCodes.Status404NotFound));
        }
        if (!request.HasValidRecipient())
        {
            return new(null, null, TypedResults.Problem("'to' must be a WhatsApp id: digits, optionally after '+'.", statusCode: StatusCodes.Status400BadRequest));
        }
        var token = FlowTokens.Mint();
        var message = request.ToFlowMessage(name, token, services.Admin.Value.FlowIds.GetValueOrDefault(name), flow.FlowJson.Screens[0].Id);
        var problems = message.Validate();
        if (problems.Count > 0)
        {
            return new(null, null, TypedResults.Problem(string.Join(" ", problems), statusCode: StatusCodes.Status400BadRequest));
        }
        var snapshot = await services.Grains.GetFlowSession(token).Issue(new FlowSessionIssue(name, request.To, services.Sessions.Value.Lifetime));
        return new(new IssuedSession(token, name, snapshot.ExpiresAt, message.ToRequestBody()), message, null);
    }

    // What the request asks for (the flow and the message, as bound), hashed: the same body sent again matches,
    // whatever its whitespace or property order.
    private static string Fingerprint(SendRequest send) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(send.Name + "\n" + JsonSerializer.Serialize(send.Body, JsonSerializerOptions.Web))));

    private static async Task<Results<Ok<FlowSessionSnapshot>, NotFound>> GetAsync(string token, IGrainFactory grains)
    {
        var snapshot = await grains.GetFlowSession(token).Get();
        return snapshot is null ? TypedResults.NotFound() : TypedResults.Ok(snapshot);
    }

    private static async Task<Results<NoContent, NotFound>> InvalidateAsync(string token, IGrainFactory grains)
    {
        var session = grains.GetFlowSession(token);
        if (await session.Get() is null)
        {
            return TypedResults.NotFound();
        }
        await session.Invalidate("invalidated through the admin API");
        return TypedResults.NoContent();
    }
}
