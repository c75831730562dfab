using Backend.Api.Meta;
using Backend.Flows.Endpoint;
using Backend.Flows.Security;
using Backend.Flows.Webhooks;
using Backend.Grains.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Backend.Api.Webhook;

/// <summary>Meta's webhook: <c>GET /webhook</c> verifies the subscription, <c>POST /webhook</c> delivers events.</summary>
public static partial class WebhookApi
{
    /// <summary>
    /// Registers the webhook's options, the signature check it shares with the endpoint, de-duplication, and its
    /// sink: the flow token's session grain (<see cref="GrainFlowCompletionSink"/>) unless another
    /// <see cref="IFlowCompletionSink"/> is registered.
    /// </summary>
    public static IHostApplicationBuilder AddWebhook(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddMetaApp();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WebhookDeduplicator>();
        builder.Services.TryAddSingleton<IFlowCompletionSink, GrainFlowCompletionSink>();
        return builder;
    }

    /// <summary>Maps <c>GET</c> and <c>POST /webhook</c>.</summary>
    public static IEndpointRouteBuilder MapWebhook(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/webhook").WithTags("Webhook");
        group.MapGet("/", Verify);
        group.MapPost("/", ReceiveAsync);
        return routes;
    }

    private static IResult Verify(HttpRequest request, IOptions<MetaOptions> meta)
    {
        var query = request.Query;
        var verification = new WebhookVerification(query["hub.mode"], query["hub.verify_token"], query["hub.challenge"]);
        return verification.IsValid(meta.Value.WebhookVerifyToken)
            ? TypedResults.Text(verification.Challenge, "text/plain")
            : TypedResults.StatusCode(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext http,
        HubSignature signature,
        WebhookDeduplicator deduplicator,
        IFlowCompletionSink sink,
        FlowStats stats,
        IOptions<WebhookOptions> options,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(WebhookApi));
        var body = await RequestBody.ReadAsync(http.Request, options.Value.MaxRequestBytes, http.RequestAborted);
        if (body is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        // Webhooks are always authenticated: without an app secret nothing can be trusted, so nothing is accepted.
        if (!signature.IsConfigured)
        {
            LogNoSecret(logger);
            return TypedResults.StatusCode(StatusCodes.Status401Unauthorized);
        }
        if (!signature.Verify(body, http.Request.Headers[HubSignature.HeaderName]))
        {
            LogBadSignature(logger);
            return TypedResults.StatusCode(StatusCodes.Status401Unauthorized);
        }

        WebhookNotification notification;
        try
        {
            notification = WebhookNotification.Parse(body);
        }
        catch (FormatException ex)
        {
            LogUnreadable(logger, ex.Message);
            return TypedResults.BadRequest();
        }

        foreach (var problem in notification.Problems)
        {
            LogUnreadable(logger, problem);
        }
        foreach (var completion in notification.Completions)
        {
            if (!deduplicator.TryClaim(completion.MessageId))
            {
                LogDuplicate(logger, FlowTokenFingerprint.Of(completion.FlowToken));
                continue;
            }
            try
            {
                if (!await sink.OnCompletedAsync(completion, http.RequestAborted))
                {
                    // Nobody knew the session (yet): a re-delivery once it exists must not be dropped as a duplicate.
                    deduplicator.Release(completion.MessageId);
                }
            }
            catch
            {
                // Not handled: let Meta's retry deliver it again.
                deduplicator.Release(completion.MessageId);
                throw;
            }
        }
        foreach (var flowEvent in notification.FlowEvents)
        {
            stats.RecordAlert(new FlowAlert(DateTimeOffset.UtcNow, Clip(flowEvent.Event) ?? "(no event)", Clip(flowEvent.FlowId),
                Clip(flowEvent.OldStatus), Clip(flowEvent.NewStatus), Clip(flowEvent.AlertState), Clip(flowEvent.Message)));
            await sink.OnFlowEventAsync(flowEvent, http.RequestAborted);
        }
        // The readable replies are handled (a re-delivery of them is a duplicate); an unreadable one is refused so it
        // shows among Meta's failed deliveries instead of vanishing behind a 200.
        return notification.Problems.Count == 0 ? TypedResults.Ok() : TypedResults.BadRequest();
    }

    // Meta's fields are short; a longer value is cut so the dashboard's list stays small.
    private static string? Clip(string? value) => value is { Length: > 200 } ? value[..200] : value;

    [LoggerMessage(40, LogLevel.Warning, "Webhook POST refused: no Meta:AppSecret is configured, so signatures cannot be checked")]
    private static partial void LogNoSecret(ILogger logger);

    [LoggerMessage(41, LogLevel.Warning, "Webhook POST refused: missing or invalid X-Hub-Signature-256")]
    private static partial void LogBadSignature(ILogger logger);

    [LoggerMessage(42, LogLevel.Warning, "Webhook content skipped: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);

    [LoggerMessage(43, LogLevel.Information, "Duplicate flow completion delivery ignored (token {TokenFingerprint})")]
    private static partial void LogDuplicate(ILogger logger, string tokenFingerprint);
}
