using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Backend.Flows.Graph;

/// <summary>
/// Sends one Graph call: bearer auth, error mapping, and retries with exponential backoff and
/// jitter for calls that are safe to repeat. The request is rebuilt for each attempt.
/// </summary>
internal sealed partial class GraphTransport(HttpClient http, WhatsAppGraphOptions options, ILogger logger, TimeProvider time)
{
    private static readonly HashSet<int> TransientCodes = [1, 2, 4, 17, 32, 613, 80007, 130429];

    public async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        Func<HttpContent?>? content,
        bool idempotent,
        JsonTypeInfo<T> answerType,
        CancellationToken cancellationToken)
    {
        var maxAttempts = idempotent ? options.MaxRetries + 1 : 1;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content?.Invoke() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(options.AttemptTimeout);
            HttpStatusCode status;
            byte[] body;
            TimeSpan? retryAfter;
            try
            {
                using var response = await http.SendAsync(request, attemptTimeout.Token).ConfigureAwait(false);
                status = response.StatusCode;
                retryAfter = ReadRetryAfter(response);
                body = await response.Content.ReadAsByteArrayAsync(attemptTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
            {
                var reason = e is OperationCanceledException ? $"timed out after {options.AttemptTimeout}" : e.Message;
                if (attempt < maxAttempts)
                {
                    var delay = Backoff(attempt);
                    LogRetry(method.Method, path, reason, attempt, delay);
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new GraphUnreachableException($"Graph {method} {path}: {reason} (after {attempt} attempt(s)).", attempt, e);
            }

            LogAnswer(method.Method, path, (int)status, attempt);
            if ((int)status is >= 200 and < 300)
            {
                try
                {
                    return JsonSerializer.Deserialize(body, answerType)
                        ?? throw new GraphApiException(new GraphError(status, 0, null, "Empty answer from the Graph API.", null, null));
                }
                catch (JsonException e)
                {
                    throw new GraphApiException(new GraphError(status, 0, null, $"Unreadable answer from the Graph API: {e.Message}", null, null));
                }
            }

            var error = ReadError(status, body) with { RetryAfter = retryAfter };
            var transient = status is HttpStatusCode.TooManyRequests || (int)status >= 500
                || error.IsTransient || TransientCodes.Contains(error.Code);
            if (transient && attempt < maxAttempts)
            {
                var delay = retryAfter ?? Backoff(attempt);
                if (delay <= options.MaxRetryDelay)
                {
                    LogRetry(method.Method, path, $"HTTP {(int)status} code {error.Code}", attempt, delay);
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            throw GraphApiException.From(error);
        }
    }

    /// <summary>Exponential backoff with "equal jitter": half fixed, half random, capped.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(options.MaxRetryDelay.TotalMilliseconds, options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    internal static GraphError ReadError(HttpStatusCode status, byte[] body)
    {
        GraphErrorBody? e = null;
        try
        {
            e = JsonSerializer.Deserialize(body, GraphJsonContext.Default.GraphErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            // Not a Graph error document (e.g. a proxy's HTML page): report the status alone.
        }

        if (e is null)
        {
            return new GraphError(status, 0, null, $"HTTP {(int)status} {status} without a Graph error body.", null, null);
        }

        var (details, findings) = ReadErrorData(e.ErrorData);
        return new GraphError(status, e.Code, e.ErrorSubcode, e.Message ?? "(no message)", e.Type, e.FbtraceId)
        {
            UserTitle = e.ErrorUserTitle,
            UserMessage = e.ErrorUserMsg,
            Details = details,
            IsTransient = e.IsTransient ?? false,
            ValidationErrors = findings,
        };
    }

    private static (string? Details, IReadOnlyList<FlowValidationError> Findings) ReadErrorData(JsonElement? data)
    {
        if (data is not { } d)
        {
            return (null, []);
        }

        if (d.ValueKind == JsonValueKind.String)
        {
            return (d.GetString(), []);
        }

        if (d.ValueKind != JsonValueKind.Object)
        {
            return (null, []);
        }

        var details = d.TryGetProperty("details", out var det) && det.ValueKind == JsonValueKind.String ? det.GetString() : null;
        IReadOnlyList<FlowValidationError> findings = [];
        if (d.TryGetProperty("validation_errors", out var v) && v.ValueKind == JsonValueKind.Array)
        {
            findings = v.Deserialize(GraphJsonContext.Default.ListFlowValidationError) ?? [];
        }

        return (details, findings);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Graph {Method} {Path} answered {Status} (attempt {Attempt})")]
    private partial void LogAnswer(string method, string path, int status, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Graph {Method} {Path} failed ({Reason}) on attempt {Attempt}; retrying in {Delay}")]
    private partial void LogRetry(string method, string path, string reason, int attempt, TimeSpan delay);
}
