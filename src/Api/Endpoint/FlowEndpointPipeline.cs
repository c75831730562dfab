using System.Diagnostics;
using System.Text.Json;
using Backend.Api.Faults;
using Backend.Flows.Endpoint;
using Backend.Flows.Security;
using Backend.Grains.Dashboard;
using Microsoft.Extensions.Options;

namespace Backend.Api.Endpoint;

/// <summary>The outcome of one endpoint request, ready to be written as HTTP.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body: base64 ciphertext on 200, a short reason otherwise.</param>
/// <param name="ContentType">The body's content type.</param>
internal readonly record struct FlowEndpointResult(int Status, string? Body, string ContentType);

/// <summary>
/// The protocol steps of the data endpoint, in order: signature (432), envelope (400), decryption (421), payload
/// (400), then ping / error notification / data exchange. Nothing decrypted is ever logged.
/// </summary>
internal sealed partial class FlowEndpointPipeline(
    FlowCipher cipher,
    HubSignature signature,
    FlowTokenSignature tokenSignature,
    IFlowExchangeHandler handler,
    IOptions<FlowEndpointOptions> options,
    FlowEndpointMetrics metrics,
    FlowStats stats,
    ILogger<FlowEndpointPipeline> logger)
{
    public const int TokenInvalidated = 427;
    public const int CannotDecrypt = 421;
    public const int BadSignature = 432;
    private const string PlainText = "text/plain";

    private readonly FlowRequestLimits _limits = new(options.Value.MaxJsonDepth, options.Value.MaxFieldLength);
    private readonly int _maxFlowTokenLength = options.Value.MaxFlowTokenLength;
    private readonly FlowTokenSignatureMode _tokenSignature = options.Value.TokenSignature;

    public async ValueTask<FlowEndpointResult> ProcessAsync(
        string flow, ReadOnlyMemory<byte> body, string? signatureHeader, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var kind = "unknown";
        FlowEndpointResult result;
        try
        {
            if (signature.IsConfigured && !signature.Verify(body.Span, signatureHeader))
            {
                result = Refuse(flow, BadSignature, signatureHeader is null ? "missing X-Hub-Signature-256" : "X-Hub-Signature-256 does not match");
            }
            else
            {
                (kind, result) = await OpenAndDispatchAsync(flow, body, cancellationToken);
            }
        }
        catch (FlowRequestException ex)
        {
            var status = ex.Error == FlowRequestError.DecryptionFailed ? CannotDecrypt : StatusCodes.Status400BadRequest;
            result = Refuse(flow, status, ex.Message);
        }
        catch (Exception ex) when (TransientFault.Is(ex))
        {
            // Nothing was answered from unsaved state: Meta retries, and the retry re-reads what was saved.
            LogUnavailable(logger, flow, kind, ex.GetType().Name);
            result = new FlowEndpointResult(StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable; retry.", PlainText);
        }
        catch
        {
            // Answered by the exception handler (500) or cut short by the deadline (504): a 5xx for the dashboard.
            stats.RecordRequest(flow, StatusCodes.Status500InternalServerError, Stopwatch.GetElapsedTime(started));
            throw;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Record(flow, kind, result.Status, elapsed);
        stats.RecordRequest(flow, result.Status, elapsed);
        return result;
    }

    private async ValueTask<(string Kind, FlowEndpointResult Result)> OpenAndDispatchAsync(
        string flow, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var envelope = FlowEnvelope.Parse(body.Span);
        using var exchange = cipher.Open(envelope);
        var request = exchange.ParseRequest(_limits);
        switch (request)
        {
            case HealthCheckRequest:
                return ("ping", Ok(exchange.Seal(FlowResponse.HealthCheck)));

            case ErrorNotificationRequest notification:
                LogErrorNotification(logger, flow, notification.ErrorKey, notification.Screen, FlowTokenFingerprint.Of(notification.FlowToken));
                stats.RecordErrorNotification(flow, notification.ErrorKey);
                await handler.OnErrorNotificationAsync(flow, notification, cancellationToken);
                return ("error_notification", Ok(exchange.Seal(FlowResponse.Acknowledgement)));

            case DataExchangeRequest exchangeRequest:
                var kind = exchangeRequest.Action switch
                {
                    FlowRequestAction.Init => "INIT",
                    FlowRequestAction.Back => "BACK",
                    _ => "data_exchange",
                };
                if (CheckTokenSignature(exchangeRequest) is { } refusal)
                {
                    LogTokenSignatureRefused(logger, flow, kind, refusal);
                    return (kind, new FlowEndpointResult(BadSignature, "flow_token_signature refused", PlainText));
                }
                if (exchangeRequest.FlowToken.Length > _maxFlowTokenLength)
                {
                    LogTokenTooLong(logger, flow, kind, exchangeRequest.FlowToken.Length);
                    return (kind, Invalidated(exchange, null));
                }
                var outcome = await handler.HandleAsync(flow, exchangeRequest, cancellationToken);
                var token = FlowTokenFingerprint.Of(exchangeRequest.FlowToken);
                switch (outcome)
                {
                    case FlowExchangeOutcome.Respond respond:
                        LogAnswered(logger, flow, kind, exchangeRequest.Screen, token);
                        return (kind, Ok(exchange.Seal(respond.Response)));
                    case FlowExchangeOutcome.TokenInvalidated invalidated:
                        LogTokenInvalidated(logger, flow, kind, token);
                        return (kind, Invalidated(exchange, invalidated.Message));
                    case FlowExchangeOutcome.NotHandled notHandled:
                        LogNotHandled(logger, flow, kind, exchangeRequest.Screen, notHandled.Reason);
                        return (kind, new FlowEndpointResult(StatusCodes.Status501NotImplemented, notHandled.Reason, PlainText));
                    default:
                        throw new InvalidOperationException($"Unknown outcome {outcome.GetType().Name}.");
                }

            default:
                throw new InvalidOperationException($"Unknown request {request.GetType().Name}.");
        }
    }

    // Checked before any handler or grain: a refused request changes nothing. Without an app secret nothing can be
    // verified, as with X-Hub-Signature-256 (Required refuses to start without one).
    private string? CheckTokenSignature(DataExchangeRequest request)
    {
        if (_tokenSignature == FlowTokenSignatureMode.Off || !tokenSignature.IsConfigured)
        {
            return null;
        }
        if (request.FlowTokenSignature is not { } jwt)
        {
            return _tokenSignature == FlowTokenSignatureMode.Required ? "missing" : null;
        }
        return tokenSignature.Verify(jwt, request.FlowToken).Failure?.ToString();
    }

    private FlowEndpointResult Invalidated(FlowExchange exchange, string? message)
    {
        if (message is null)
        {
            return new FlowEndpointResult(TokenInvalidated, null, PlainText);
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(new InvalidatedTokenMessage(message), ApiJsonContext.Default.InvalidatedTokenMessage);
        return options.Value.InvalidatedTokenBody == InvalidatedTokenBody.Encrypted
            ? new FlowEndpointResult(TokenInvalidated, exchange.Seal(json), PlainText)
            : new FlowEndpointResult(TokenInvalidated, System.Text.Encoding.UTF8.GetString(json), "application/json");
    }

    private static FlowEndpointResult Ok(string sealedBody) => new(StatusCodes.Status200OK, sealedBody, PlainText);

    private FlowEndpointResult Refuse(string flow, int status, string reason)
    {
        LogRefused(logger, flow, status, reason);
        return new FlowEndpointResult(status, reason, PlainText);
    }

    [LoggerMessage(10, LogLevel.Debug, "Flow {Flow} {Kind} on screen {Screen} answered (token {TokenFingerprint})")]
    private static partial void LogAnswered(ILogger logger, string flow, string kind, string? screen, string tokenFingerprint);

    [LoggerMessage(11, LogLevel.Warning, "Flow {Flow} request refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string flow, int status, string reason);

    [LoggerMessage(12, LogLevel.Information, "Flow {Flow} {Kind}: token {TokenFingerprint} is no longer valid (427)")]
    private static partial void LogTokenInvalidated(ILogger logger, string flow, string kind, string tokenFingerprint);

    [LoggerMessage(13, LogLevel.Error, "Flow {Flow} {Kind} on screen {Screen} not handled: {Reason}")]
    private static partial void LogNotHandled(ILogger logger, string flow, string kind, string? screen, string reason);

    [LoggerMessage(16, LogLevel.Warning, "Flow {Flow} {Kind}: a flow token of {Length} characters is longer than any this backend issues (427)")]
    private static partial void LogTokenTooLong(ILogger logger, string flow, string kind, int length);

    [LoggerMessage(17, LogLevel.Warning, "Flow {Flow} {Kind}: flow_token_signature refused ({Failure}), answered 432")]
    private static partial void LogTokenSignatureRefused(ILogger logger, string flow, string kind, string failure);

    [LoggerMessage(15, LogLevel.Warning, "Flow {Flow} {Kind} answered 503: {ExceptionType}")]
    private static partial void LogUnavailable(ILogger logger, string flow, string kind, string exceptionType);

    [LoggerMessage(14, LogLevel.Warning, "Flow {Flow}: Meta reported {ErrorKey} on screen {Screen} (token {TokenFingerprint})")]
    private static partial void LogErrorNotification(ILogger logger, string flow, string errorKey, string? screen, string tokenFingerprint);
}

/// <summary>The body of a 427 answer.</summary>
internal sealed record InvalidatedTokenMessage([property: System.Text.Json.Serialization.JsonPropertyName("error_msg")] string ErrorMsg);
