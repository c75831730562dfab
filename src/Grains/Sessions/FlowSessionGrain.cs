using System.Text;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Flows.Routing;
using Backend.Grains.Dashboard;
using Backend.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backend.Grains.Sessions;

/// <summary>
/// A flow session, keyed by the hash of its flow token (<see cref="FlowSessionKey"/>). Requests run one at a time
/// (Orleans' turns), so a user's double tap cannot run two handlers over the same state. What the user typed is
/// kept only for fields the flow does not mark sensitive; the response is recorded by screen and error message,
/// never by data. An answer is returned only after the state it reflects is saved; a failed save drops the
/// activation (<see cref="SavedState{T}"/>), so the next call re-reads what was really saved.
/// </summary>
[GrainType(GrainTypeNames.FlowSession)]
public sealed partial class FlowSessionGrain(
    [PersistentState("session")] IPersistentState<FlowSessionState> session,
    FlowRegistry flows,
    IOptions<FlowSessionOptions> options,
    PersonalDataProtector protector,
    TimeProvider time,
    FlowStats stats,
    ILogger<FlowSessionGrain> logger) : Grain, IFlowSessionGrain
{
    private readonly SavedState<FlowSessionState> _saved = new(session);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (session.RecordExists && protector.Open<SealedSessionData>(State.SealedData, Key) is { } data)
        {
            State.Collected = data.Collected;
            State.CompletionResponse = data.CompletionResponse;
        }
        if (session.RecordExists && State.Reached.Count == 0 && State.History.Count > 0)
        {
            // Saved before the state kept its reached screens: what its history still shows.
            foreach (var step in State.History)
            {
                AddReached(step.Screen);
                AddReached(step.NextScreen);
            }
        }
        return Task.CompletedTask;
    }

    // Every write seals what came from decrypted requests first.
    private Task SaveAsync()
    {
        State.SealedData = protector.Seal(new SealedSessionData(State.Collected, State.CompletionResponse), Key);
        return _saved.SaveAsync(this);
    }

    private string Key => this.GetPrimaryKeyString();

    private FlowSessionState State => session.State;

    public async Task<FlowSessionSnapshot> Issue(FlowSessionIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        _saved.ThrowIfStale();
        if (flows.Find(issue.FlowName) is null)
        {
            throw new ArgumentException($"No flow is named '{issue.FlowName}'.", nameof(issue));
        }
        if (!session.RecordExists)
        {
            var now = time.GetUtcNow();
            session.State = new FlowSessionState
            {
                FlowName = issue.FlowName,
                Status = FlowSessionStatus.Sent,
                Recipient = issue.Recipient,
                CreatedAt = now,
                UpdatedAt = now,
                ExpiresAt = now + (issue.Lifetime > TimeSpan.Zero ? issue.Lifetime : options.Value.Lifetime),
            };
            await SaveAsync();
            Counted(null, now);
            LogIssued(logger, issue.FlowName, Fingerprint);
        }
        return Snapshot();
    }

    public async Task<FlowStepResult> Handle(FlowStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        _saved.ThrowIfStale();
        if (FlowSessionKey.Of(step.Request.FlowToken) != Key)
        {
            throw new ArgumentException("The step's flow token does not belong to this session.", nameof(step));
        }
        var settings = options.Value;
        var definition = flows.Find(step.FlowName);
        if (definition is null)
        {
            return new FlowStepResult(FlowStepOutcome.NotHandled, Message: $"No flow definition is registered for flow '{step.FlowName}'.");
        }
        var now = time.GetUtcNow();
        var statusBefore = session.RecordExists ? State.Status : (FlowSessionStatus?)null;
        var screenBefore = session.RecordExists ? State.CurrentScreen : null;
        if (!session.RecordExists)
        {
            if (settings.TokenPolicy == FlowTokenPolicy.IssuedOnly)
            {
                LogRefused(logger, step.FlowName, Fingerprint, "not issued");
                // Nothing to keep for a token nobody issued: a stream of made-up tokens leaves no activations behind.
                DeactivateOnIdle();
                return Invalid();
            }
            session.State = new FlowSessionState { FlowName = step.FlowName, Status = FlowSessionStatus.Open, CreatedAt = now, ExpiresAt = now + settings.Lifetime };
        }
        if (State.FlowName != step.FlowName)
        {
            LogRefused(logger, step.FlowName, Fingerprint, $"issued for flow '{State.FlowName}'");
            return Invalid();
        }
        if (State.Status is FlowSessionStatus.Sent or FlowSessionStatus.Open && now > State.ExpiresAt)
        {
            State.Status = FlowSessionStatus.Expired;
            State.UpdatedAt = now;
            await SaveAsync();
            Counted(statusBefore, now);
        }
        if (State.Status is not (FlowSessionStatus.Sent or FlowSessionStatus.Open))
        {
            LogRefused(logger, step.FlowName, Fingerprint, State.Status.ToString());
            return Invalid();
        }

        var request = step.Request;
        FlowResponse? response;
        try
        {
            response = await definition.Router.RouteAsync(new FlowRequestContext(step.FlowName, request, ServiceProvider, cancellationToken));
        }
        catch (FlowTokenInvalidatedException invalidated)
        {
            State.Status = FlowSessionStatus.Invalidated;
            State.InvalidationReason = "invalidated by the flow's handler";
            var reached = Reached(step, next: null);
            Record(step, now, FlowStepOutcome.TokenInvalid, next: null, error: invalidated.UserMessage);
            await SaveAsync();
            CountedStep(step, statusBefore, screenBefore, reached, now);
            return new FlowStepResult(FlowStepOutcome.TokenInvalid, Message: invalidated.UserMessage);
        }
        if (response is null)
        {
            var reason = $"No handler of flow '{step.FlowName}' matches {request.Action} on screen '{request.Screen}'.";
            LogUnhandled(logger, step.FlowName, request.Action, request.Screen, Fingerprint);
            return new FlowStepResult(FlowStepOutcome.NotHandled, Message: reason);
        }

        State.Status = FlowSessionStatus.Open;
        Collect(request.Data, definition.SensitiveFields);
        var (next, error) = response switch
        {
            NextScreenResponse screen => (screen.Screen, screen.ErrorMessage),
            CloseFlowResponse => (CloseFlowResponse.SuccessScreen, null),
            _ => (null, null),
        };
        State.CurrentScreen = next ?? State.CurrentScreen;
        var firstReached = Reached(step, next);
        Record(step, now, FlowStepOutcome.Answered, next, error);
        await SaveAsync();
        CountedStep(step, statusBefore, screenBefore, firstReached, now);
        return new FlowStepResult(FlowStepOutcome.Answered, Encoding.UTF8.GetString(response.ToUtf8Json()));
    }

    public async Task RecordError(FlowErrorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _saved.ThrowIfStale();
        // Logged by the endpoint, which sees every notification (with or without a token); counted here.
        if (session.RecordExists)
        {
            // Counted for the dashboard; the screen, data and status stay as they are.
            State.ErrorNotifications++;
            await SaveAsync();
        }
    }

    public async Task<FlowCompletionResult> Complete(FlowCompletionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _saved.ThrowIfStale();
        if (!session.RecordExists)
        {
            DeactivateOnIdle();
            LogRefused(logger, "?", Fingerprint, "completion for an unknown session");
            return new FlowCompletionResult(FlowCompletionOutcome.UnknownSession);
        }
        if (State.Status == FlowSessionStatus.Completed)
        {
            return new FlowCompletionResult(FlowCompletionOutcome.AlreadyCompleted);
        }
        var sensitive = flows.Find(State.FlowName)?.SensitiveFields ?? new HashSet<string>();
        var kept = new JsonObject();
        foreach (var (name, value) in report.Response)
        {
            if (name != "flow_token" && !sensitive.Contains(name))
            {
                kept[name] = value?.DeepClone();
            }
        }
        var statusBefore = State.Status;
        State.Status = FlowSessionStatus.Completed;
        State.CompletedAt = report.At ?? time.GetUtcNow();
        State.UpdatedAt = time.GetUtcNow();
        State.CompletionMessageId = report.MessageId;
        State.CompletionResponse = kept;
        await SaveAsync();
        Counted(statusBefore, State.UpdatedAt);
        LogCompleted(logger, State.FlowName, Fingerprint);
        return new FlowCompletionResult(FlowCompletionOutcome.Completed);
    }

    public async Task Invalidate(string reason)
    {
        _saved.ThrowIfStale();
        if (!session.RecordExists || State.Status is FlowSessionStatus.Completed or FlowSessionStatus.Invalidated)
        {
            return;
        }
        var statusBefore = State.Status;
        State.Status = FlowSessionStatus.Invalidated;
        State.InvalidationReason = reason;
        State.UpdatedAt = time.GetUtcNow();
        await SaveAsync();
        Counted(statusBefore, State.UpdatedAt);
    }

    public Task<FlowSessionSnapshot?> Get()
    {
        _saved.ThrowIfStale();
        return Task.FromResult(session.RecordExists ? Snapshot() : null);
    }

    private FlowStepResult Invalid() => new(FlowStepOutcome.TokenInvalid, Message: options.Value.InvalidTokenMessage);

    private void Collect(JsonObject data, IReadOnlySet<string> sensitive)
    {
        foreach (var (name, value) in data)
        {
            if (!sensitive.Contains(name))
            {
                State.Collected[name] = value?.DeepClone();
            }
        }
    }

    private void Record(FlowStep step, DateTimeOffset at, FlowStepOutcome outcome, string? next, string? error)
    {
        State.History.Add(new FlowStepRecord(at, step.Request.Action, step.Request.Screen, outcome, next, error));
        var excess = State.History.Count - options.Value.HistoryLimit;
        if (excess > 0)
        {
            State.History.RemoveRange(0, excess);
        }
        State.UpdatedAt = at;
    }

    /// <summary>
    /// The screens of <paramref name="step"/> (its own and the next) this session had not reached before, now marked
    /// reached.
    /// </summary>
    private (string? First, string? Second) Reached(FlowStep step, string? next)
    {
        var first = AddReached(step.Request.Screen) ? step.Request.Screen : null;
        var second = AddReached(next) ? next : null;
        return (first, second);
    }

    private bool AddReached(string? screen)
    {
        if (screen is null || State.Reached.Contains(screen))
        {
            return false;
        }
        State.Reached.Add(screen);
        return true;
    }

    /// <summary>Counts a saved change of status for the dashboard (nothing when the status did not change).</summary>
    private void Counted(FlowSessionStatus? before, DateTimeOffset at)
    {
        stats.RecordStatus(State.FlowName, before, State.Status, State.ExpiresAt);
        stats.RecordSession(new RecentSession(Key, Fingerprint, State.FlowName, State.Status, State.CurrentScreen, at));
    }

    private void CountedStep(FlowStep step, FlowSessionStatus? before, string? screenBefore, (string? First, string? Second) reached, DateTimeOffset at)
    {
        stats.RecordStep(step.FlowName, reached.First, reached.Second, screenBefore, State.CurrentScreen);
        Counted(before, at);
    }

    private FlowSessionSnapshot Snapshot() => new(
        Key, State.FlowName, State.Status, State.Recipient, State.CurrentScreen,
        (JsonObject)State.Collected.DeepClone(), [.. State.History], State.ErrorNotifications,
        State.CreatedAt, State.UpdatedAt, State.ExpiresAt, State.CompletedAt,
        State.CompletionResponse?.DeepClone() as JsonObject);

    private string Fingerprint => FlowSessionKey.Fingerprint(Key);

    [LoggerMessage(100, LogLevel.Information, "Flow {Flow}: issued session {TokenFingerprint}")]
    private static partial void LogIssued(ILogger logger, string flow, string tokenFingerprint);

    [LoggerMessage(101, LogLevel.Information, "Flow {Flow}: token {TokenFingerprint} refused ({Reason})")]
    private static partial void LogRefused(ILogger logger, string flow, string tokenFingerprint, string reason);

    [LoggerMessage(102, LogLevel.Error, "Flow {Flow}: no handler for {Action} on screen {Screen} (token {TokenFingerprint})")]
    private static partial void LogUnhandled(ILogger logger, string flow, FlowRequestAction action, string? screen, string tokenFingerprint);

    [LoggerMessage(104, LogLevel.Information, "Flow {Flow}: session {TokenFingerprint} completed")]
    private static partial void LogCompleted(ILogger logger, string flow, string tokenFingerprint);
}
