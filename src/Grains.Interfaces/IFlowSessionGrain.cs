using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Runtime;

namespace Backend.Grains;

/// <summary>
/// One flow session, keyed by its flow token: the screen the user is on, the non-sensitive data collected so
/// far, the history of steps, and the session's status. Runs the flow definition's handlers one request at a time.
/// </summary>
public interface IFlowSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the session for a token the business is about to send (status <see cref="FlowSessionStatus.Sent"/>).
    /// Issuing the same token again returns the existing session unchanged.
    /// </summary>
    Task<FlowSessionSnapshot> Issue(FlowSessionIssue issue);

    /// <summary>Runs one screen request (<c>INIT</c>, <c>BACK</c>, <c>data_exchange</c>) through the flow's handlers.</summary>
    Task<FlowStepResult> Handle(FlowStep step);

    /// <summary>Records an error notification from Meta (logged and counted; the session's screen and data do not change).</summary>
    Task RecordError(FlowErrorReport report);

    /// <summary>
    /// Marks the session completed with the webhook's response (sensitive fields removed). Idempotent: a replayed
    /// delivery (same message id) changes nothing.
    /// </summary>
    Task<FlowCompletionResult> Complete(FlowCompletionReport report);

    /// <summary>Invalidates the token: later endpoint requests answer 427.</summary>
    Task Invalidate(string reason);

    /// <summary>The session as it stands, or <see langword="null"/> when the token is unknown.</summary>
    Task<FlowSessionSnapshot?> Get();
}

/// <summary>Where a session stands.</summary>
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
public sealed record FlowSessionIssue(string FlowName, string? Recipient, TimeSpan Lifetime);

/// <summary>One decrypted screen request, as the endpoint forwards it.</summary>
public sealed record FlowStep(string FlowName, FlowRequestAction Action, string? Screen, JsonObject Data, string? FlowTokenSignature = null);

/// <summary>How a step ended.</summary>
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
public sealed record FlowStepResult(FlowStepOutcome Outcome, string? ResponseJson = null, string? Message = null);

/// <summary>An error notification for the session.</summary>
public sealed record FlowErrorReport(string FlowName, string ErrorKey, string? ErrorMessage, string? Screen);

/// <summary>The completion webhook's content for the session.</summary>
public sealed record FlowCompletionReport(string MessageId, JsonObject Response, string From, DateTimeOffset? At);

/// <summary>How a completion was taken.</summary>
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
public sealed record FlowCompletionResult(FlowCompletionOutcome Outcome);

/// <summary>One request the session served.</summary>
public sealed record FlowStepRecord(DateTimeOffset At, FlowRequestAction Action, string? Screen, FlowStepOutcome Outcome, string? NextScreen, string? ErrorMessage);

/// <summary>A read-only view of a session (dashboard, admin API, tests). Holds no sensitive field.</summary>
public sealed record FlowSessionSnapshot(
    string FlowToken,
    string FlowName,
    FlowSessionStatus Status,
    string? Recipient,
    string? CurrentScreen,
    JsonObject Collected,
    IReadOnlyList<FlowStepRecord> History,
    int ErrorNotifications,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? CompletedAt,
    JsonObject? CompletionResponse);
