using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;

namespace Backend.Grains;

/// <summary>
/// One flow session: the screen the user is on, the non-sensitive data collected so far, the history of steps,
/// and the session's status. Runs the flow definition's handlers one request at a time. Keyed by
/// <see cref="FlowSessionKey.Of"/> of the flow token (a hash), never by the token itself: Orleans prints grain
/// ids in its logs, its dashboard and its storage rows, and the token is a bearer credential.
/// </summary>
[Alias("flow-session")]
public interface IFlowSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the session for a token the business is about to send (status <see cref="FlowSessionStatus.Sent"/>).
    /// Issuing the same token again returns the existing session unchanged.
    /// </summary>
    [Alias("issue")]
    Task<FlowSessionSnapshot> Issue(FlowSessionIssue issue);

    /// <summary>
    /// Runs one screen request (<c>INIT</c>, <c>BACK</c>, <c>data_exchange</c>) through the flow's handlers; the
    /// handlers see <paramref name="cancellationToken"/>, cancelled when the endpoint's deadline passes.
    /// </summary>
    /// <exception cref="StateNotSavedException">The step's state could not be saved: nothing was answered, retry.</exception>
    [Alias("handle")]
    Task<FlowStepResult> Handle(FlowStep step, CancellationToken cancellationToken);

    /// <summary>Records an error notification from Meta (counted; the session's screen and data do not change).</summary>
    [Alias("record-error")]
    Task RecordError(FlowErrorReport report);

    /// <summary>
    /// Marks the session completed with the webhook's response (sensitive fields removed). Idempotent: a replayed
    /// delivery changes nothing.
    /// </summary>
    /// <exception cref="StateNotSavedException">The completion could not be saved: Meta must deliver it again.</exception>
    [Alias("complete")]
    Task<FlowCompletionResult> Complete(FlowCompletionReport report);

    /// <summary>Invalidates the token: later endpoint requests answer 427.</summary>
    [Alias("invalidate")]
    Task Invalidate(string reason);

    /// <summary>The session as it stands, or <see langword="null"/> when the token is unknown.</summary>
    [Alias("get")]
    Task<FlowSessionSnapshot?> Get();
}

/// <summary>Where a session stands.</summary>
[GenerateSerializer, Alias("flow-session-status")]
public enum FlowSessionStatus
{
    /// <summary>Issued with a flow message; the user has not opened it yet.</summary>
    Sent,

    /// <summary>The endpoint has served at least one screen.</summary>
    Open,

    /// <summary>The completion webhook arrived.</summary>
    Completed,

    /// <summary>The session outlived its lifetime.</summary>
    Expired,

    /// <summary>The business or a handler invalidated the token.</summary>
    Invalidated,
}

/// <summary>Create a session for a token sent with flow <paramref name="FlowName"/> to <paramref name="Recipient"/>.</summary>
[GenerateSerializer, Immutable, Alias("flow-session-issue")]
public sealed record FlowSessionIssue([property: Id(0)] string FlowName, [property: Id(1)] string? Recipient, [property: Id(2)] TimeSpan Lifetime);

/// <summary>
/// One decrypted screen request, as the endpoint received it: its version, data and <c>flow_token_signature</c>
/// reach the handlers unchanged. The request owns its data; nobody changes it after it is sent.
/// </summary>
[GenerateSerializer, Immutable, Alias("flow-step")]
public sealed record FlowStep([property: Id(0)] string FlowName, [property: Id(1)] DataExchangeRequest Request);

/// <summary>How a step ended.</summary>
[GenerateSerializer, Alias("flow-step-outcome")]
public enum FlowStepOutcome
{
    /// <summary><see cref="FlowStepResult.ResponseJson"/> is the answer to encrypt.</summary>
    Answered,

    /// <summary>The token is unknown, expired, completed or invalidated: answer 427 with <see cref="FlowStepResult.Message"/>.</summary>
    TokenInvalid,

    /// <summary>No handler of the flow matched: <see cref="FlowStepResult.Message"/> says why.</summary>
    NotHandled,
}

/// <summary>The result of a step. The response travels as JSON text so the call can cross nodes.</summary>
[GenerateSerializer, Immutable, Alias("flow-step-result")]
public sealed record FlowStepResult(
    [property: Id(0)] FlowStepOutcome Outcome, [property: Id(1)] string? ResponseJson = null, [property: Id(2)] string? Message = null);

/// <summary>An error notification for the session.</summary>
[GenerateSerializer, Immutable, Alias("flow-error-report")]
public sealed record FlowErrorReport(
    [property: Id(0)] string FlowName, [property: Id(1)] string ErrorKey, [property: Id(2)] string? ErrorMessage, [property: Id(3)] string? Screen);

/// <summary>The completion webhook's content for the session.</summary>
[GenerateSerializer, Immutable, Alias("flow-completion-report")]
public sealed record FlowCompletionReport(
    [property: Id(0)] string MessageId, [property: Id(1)] JsonObject Response, [property: Id(2)] string From, [property: Id(3)] DateTimeOffset? At);

/// <summary>How a completion was taken.</summary>
[GenerateSerializer, Alias("flow-completion-outcome")]
public enum FlowCompletionOutcome
{
    /// <summary>The session is now completed.</summary>
    Completed,

    /// <summary>It already was (a replayed delivery); nothing changed.</summary>
    AlreadyCompleted,

    /// <summary>No session has this token.</summary>
    UnknownSession,
}

/// <summary>The result of <see cref="IFlowSessionGrain.Complete"/>.</summary>
[GenerateSerializer, Immutable, Alias("flow-completion-result")]
public sealed record FlowCompletionResult([property: Id(0)] FlowCompletionOutcome Outcome);

/// <summary>One request the session served.</summary>
[GenerateSerializer, Immutable, Alias("flow-step-record")]
public sealed record FlowStepRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] FlowRequestAction Action,
    [property: Id(2)] string? Screen,
    [property: Id(3)] FlowStepOutcome Outcome,
    [property: Id(4)] string? NextScreen,
    [property: Id(5)] string? ErrorMessage);

/// <summary>
/// A read-only view of a session (dashboard, admin API, tests). Holds no sensitive field and no flow token:
/// <paramref name="SessionKey"/> is the token's hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("flow-session-snapshot")]
public sealed record FlowSessionSnapshot(
    [property: Id(0)] string SessionKey,
    [property: Id(1)] string FlowName,
    [property: Id(2)] FlowSessionStatus Status,
    [property: Id(3)] string? Recipient,
    [property: Id(4)] string? CurrentScreen,
    [property: Id(5)] JsonObject Collected,
    [property: Id(6)] FlowStepRecord[] History,
    [property: Id(7)] int ErrorNotifications,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] DateTimeOffset? ExpiresAt,
    [property: Id(11)] DateTimeOffset? CompletedAt,
    [property: Id(12)] JsonObject? CompletionResponse);
