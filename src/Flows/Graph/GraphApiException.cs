using System.Net;

namespace Backend.Flows.Graph;

/// <summary>
/// Meta's Graph API answered with an error. Carries Meta's code, subcode, type, messages and
/// <c>fbtrace_id</c> (quote it to Meta support). Codes listed in Meta's Flows API error codes (https://developers.facebook.com/docs/whatsapp/flows/reference/error-codes) get a
/// specific subclass; anything else is this type. Never contains the access token.
/// </summary>
public class GraphApiException : Exception
{
    /// <summary>Creates the exception from Meta's error fields.</summary>
    public GraphApiException(GraphError error)
        : base(Describe(error)) => Error = error;

    /// <summary>Meta's error fields.</summary>
    public GraphError Error { get; }

    /// <summary>HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode => Error.StatusCode;

    /// <summary>Meta's error code, e.g. 100 or 139002 (0 when the answer wasn't a Graph error).</summary>
    public int Code => Error.Code;

    /// <summary>Meta's error subcode, if any.</summary>
    public int? Subcode => Error.Subcode;

    /// <summary>Meta's trace id.</summary>
    public string? FbTraceId => Error.FbTraceId;

    /// <summary>Validation findings attached to the error (e.g. a publish refused because of them).</summary>
    public IReadOnlyList<FlowValidationError> ValidationErrors => Error.ValidationErrors;

    /// <summary>Maps an error to the most specific exception type.</summary>
    public static GraphApiException From(GraphError error) => error.Code switch
    {
        100 when LooksLikeNameNotUnique(error) => new FlowNameNotUniqueException(error),
        100 => new GraphInvalidParameterException(error),
        190 => new GraphAccessTokenException(error),
        4 or 17 or 32 or 613 or 80007 or 130429 => new GraphRateLimitException(error),
        139000 => new FlowBlockedByIntegrityException(error),
        139001 => new FlowUpdateException(error),
        139002 => new FlowPublishException(error),
        139003 => new FlowDeprecateException(error),
        139004 => new FlowDeleteException(error),
        139006 => new FlowMetricsThresholdException(error),
        132068 => new FlowBlockedException(error),
        132069 => new FlowThrottledException(error),
        _ => new GraphApiException(error),
    };

    // Meta reports a duplicate name as a plain code 100; only the texts tell it apart.
    private static bool LooksLikeNameNotUnique(GraphError error) =>
        new[] { error.Message, error.UserTitle, error.UserMessage }
            .Any(t => t is not null && t.Contains("unique", StringComparison.OrdinalIgnoreCase)
                && t.Contains("name", StringComparison.OrdinalIgnoreCase));

    private static string Describe(GraphError e)
    {
        var code = e.Subcode is { } sub ? $"{e.Code}/{sub}" : $"{e.Code}";
        var user = e.UserTitle is null && e.UserMessage is null ? "" : $" — {e.UserTitle}{(e.UserTitle is not null && e.UserMessage is not null ? ": " : "")}{e.UserMessage}";
        var details = e.Details is null ? "" : $" ({e.Details})";
        var trace = e.FbTraceId is null ? "" : $" [fbtrace_id {e.FbTraceId}]";
        return $"Graph API error {code} (HTTP {(int)e.StatusCode}): {e.Message}{user}{details}{trace}";
    }
}

/// <summary>Fields of a Graph error answer.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Code">Meta's <c>code</c>.</param>
/// <param name="Subcode">Meta's <c>error_subcode</c>.</param>
/// <param name="Message">Meta's <c>message</c>.</param>
/// <param name="Type">Meta's <c>type</c>, e.g. <c>OAuthException</c>.</param>
/// <param name="FbTraceId">Meta's <c>fbtrace_id</c>.</param>
public sealed record GraphError(HttpStatusCode StatusCode, int Code, int? Subcode, string Message, string? Type, string? FbTraceId)
{
    /// <summary>Meta's <c>error_user_title</c>.</summary>
    public string? UserTitle { get; init; }

    /// <summary>Meta's <c>error_user_msg</c>: often the actual reason (e.g. why publishing failed).</summary>
    public string? UserMessage { get; init; }

    /// <summary>Meta's <c>error_data.details</c> (or <c>error_data</c> as text).</summary>
    public string? Details { get; init; }

    /// <summary>Meta's <c>is_transient</c>.</summary>
    public bool IsTransient { get; init; }

    /// <summary>The server's <c>Retry-After</c>, if it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Validation findings found in <c>error_data</c>, if any.</summary>
    public IReadOnlyList<FlowValidationError> ValidationErrors { get; init; } = [];
}

/// <summary>Code 100: an invalid parameter (bad id, invalid version, endpoint_uri on Flow JSON below 3.0, invalid URI, two clone sources…).</summary>
public class GraphInvalidParameterException(GraphError error) : GraphApiException(error);

/// <summary>Code 100 naming the flow name: another flow of the WABA already has it.</summary>
public sealed class FlowNameNotUniqueException(GraphError error) : GraphInvalidParameterException(error);

/// <summary>Code 190: the access token is invalid or expired.</summary>
public sealed class GraphAccessTokenException(GraphError error) : GraphApiException(error);

/// <summary>Codes 4, 17, 32, 613, 80007, 130429: a rate limit was hit.</summary>
public sealed class GraphRateLimitException(GraphError error) : GraphApiException(error);

/// <summary>Code 139000: the flow is blocked by integrity.</summary>
public sealed class FlowBlockedByIntegrityException(GraphError error) : GraphApiException(error);

/// <summary>Code 139001: the flow can't be updated (processing error, or not in a state that allows it).</summary>
public sealed class FlowUpdateException(GraphError error) : GraphApiException(error);

/// <summary>
/// Code 139002: publishing failed. <see cref="Reason"/> says why (not a draft, validation errors,
/// no endpoint_uri, version unavailable, no phone number, no signed key, no app, endpoint
/// unavailable, not subscribed to webhooks).
/// </summary>
public sealed class FlowPublishException(GraphError error) : GraphApiException(error)
{
    /// <summary>Meta's explanation: the user message if present, else the message.</summary>
    public string Reason => Error.UserMessage ?? Error.Details ?? Error.Message;
}

/// <summary>Code 139003: only a published flow can be deprecated.</summary>
public sealed class FlowDeprecateException(GraphError error) : GraphApiException(error);

/// <summary>Code 139004: only a draft flow can be deleted.</summary>
public sealed class FlowDeleteException(GraphError error) : GraphApiException(error);

/// <summary>Code 139006: metrics need at least 250 requests.</summary>
public sealed class FlowMetricsThresholdException(GraphError error) : GraphApiException(error);

/// <summary>Code 132068: the flow is blocked; messages with it can't be sent.</summary>
public sealed class FlowBlockedException(GraphError error) : GraphApiException(error);

/// <summary>Code 132069: the flow is throttled (10 messages per hour).</summary>
public sealed class FlowThrottledException(GraphError error) : GraphApiException(error);

/// <summary>
/// No answer from the Graph API: connection failures or timeouts, after the retries allowed for
/// the call. For a call that isn't retried (send, create), the request may or may not have been applied.
/// </summary>
public sealed class GraphUnreachableException(string message, int attempts, Exception inner) : Exception(message, inner)
{
    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; } = attempts;
}
