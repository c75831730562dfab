using System.Diagnostics;

namespace Backend.Runtime;

/// <summary>
/// The single in-memory instance of one grain key. Calls queue in a bounded mailbox and run one
/// at a time, each to the completion of its task (so a turn spans its awaits): that is Orleans'
/// non-reentrant scheduling. No thread or task exists while the mailbox is empty, which keeps
/// idle activations small.
/// </summary>
internal sealed class GrainActivation : IThreadPoolWorkItem
{
    [ThreadStatic]
    private static GrainActivation? t_constructing;

    private static readonly AsyncLocal<GrainActivation?> CurrentActivation = new();

    private readonly Lock _lock = new();
    private Queue<GrainTurn>? _mailbox;
    private bool _running;
    private ActivationStatus _status;
    private DeactivationReason? _closeReason;
    private TaskCompletionSource? _deactivated;
    private long _lastActive = Environment.TickCount64;
    private Grain? _grain;
    private List<IActivationState>? _states;
    private List<GrainTurn>? _forward;

    public GrainActivation(GrainId id, GrainClassInfo grainClass, GrainRuntime runtime)
    {
        Id = id;
        Class = grainClass;
        Runtime = runtime;
    }

    /// <summary>The activation whose grain constructor is running on this thread, read by <see cref="Grain"/>'s constructor.</summary>
    internal static GrainActivation? Constructing
    {
        get => t_constructing;
        set => t_constructing = value;
    }

    /// <summary>The activation whose turn (or activation/deactivation) the current async flow belongs to, if any.</summary>
    public static GrainActivation? Current => CurrentActivation.Value;

    public GrainId Id { get; }

    public GrainClassInfo Class { get; }

    public GrainRuntime Runtime { get; }

    internal void AddState(IActivationState state) => (_states ??= []).Add(state);

    /// <summary>Queues a call. Never blocks; starts the turn loop when it is not running.</summary>
    public EnqueueResult Enqueue(GrainTurn turn)
    {
        lock (_lock)
        {
            if (_closeReason is not null || _status >= ActivationStatus.Deactivating)
            {
                return EnqueueResult.Closed;
            }
            _mailbox ??= new Queue<GrainTurn>(2);
            if (_mailbox.Count >= Runtime.Options.MailboxCapacity)
            {
                return EnqueueResult.Full;
            }
            _mailbox.Enqueue(turn);
            if (_running)
            {
                return EnqueueResult.Accepted;
            }
            _running = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return EnqueueResult.Accepted;
    }

    /// <summary>Completes when the activation is gone from the catalog.</summary>
    public Task WhenDeactivated()
    {
        lock (_lock)
        {
            return _status == ActivationStatus.Invalid
                ? Task.CompletedTask
                : (_deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Closes the mailbox to new calls; queued calls still run, then the grain is deactivated.</summary>
    public Task Close(DeactivationReason reason)
    {
        var start = false;
        lock (_lock)
        {
            _closeReason ??= reason;
            if (!_running && _status < ActivationStatus.Deactivating)
            {
                _running = start = true;
            }
        }
        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        return WhenDeactivated();
    }

    /// <summary>Starts deactivating if no call has arrived for <paramref name="idleMilliseconds"/>.</summary>
    public bool TryCollect(long nowMilliseconds, long idleMilliseconds)
    {
        lock (_lock)
        {
            if (_running || _closeReason is not null || _status != ActivationStatus.Active
                || nowMilliseconds - _lastActive < idleMilliseconds)
            {
                return false;
            }
            _closeReason = new DeactivationReason(DeactivationReasonCode.ActivationIdle, "Idle longer than the collection age");
            _running = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>Called from the grain: deactivate once the current turn has finished.</summary>
    public void RequestDeactivation()
    {
        lock (_lock)
        {
            _closeReason ??= new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called");
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = RunSafelyAsync();

    private async Task RunSafelyAsync()
    {
        CurrentActivation.Value = this;
        try
        {
            await RunAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // A fault in the runtime itself (grain exceptions never get here): fail what is
            // queued rather than leave callers waiting for a loop that no longer runs.
            RuntimeLog.TurnLoopFailed(Runtime.Logger, Id, exception);
            FailAndDrop(exception, firstTurn: null);
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            GrainTurn? turn = null;
            DeactivationReason reason = default;
            lock (_lock)
            {
                if (_mailbox is { Count: > 0 })
                {
                    turn = _mailbox.Dequeue();
                }
                else if (_closeReason is { } close)
                {
                    _status = ActivationStatus.Deactivating;
                    reason = close;
                }
                else
                {
                    _running = false;
                    _lastActive = Environment.TickCount64;
                    return;
                }
            }
            if (turn is null)
            {
                await DeactivateAsync(reason).ConfigureAwait(false);
                return;
            }
            if (_status == ActivationStatus.Created && !await TryActivateAsync(turn).ConfigureAwait(false))
            {
                return;
            }
            await RunTurnAsync(turn).ConfigureAwait(false);
        }
    }

    private async Task RunTurnAsync(GrainTurn turn)
    {
        if (!turn.TryStart(Runtime.Options.CallTimeout))
        {
            return;
        }
        // The grain side of the call, parented to the caller's span (it may come from another process later).
        using var activity = RuntimeMetrics.ActivitySource.StartActivity(turn.Method.TurnSpanName, ActivityKind.Server, turn.Caller);
        activity?.SetTag("grain.id", Id.ToString());
        try
        {
            turn.TrySetResult(await turn.Method.Invoke(_grain, turn.Call.Arguments).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            turn.TrySetException(exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            if (exception is InconsistentStateException)
            {
                // The grain's view of its state is stale: no further call may run on it.
                RuntimeLog.InconsistentState(Runtime.Logger, Id);
                RejectQueuedAndClose(new DeactivationReason(DeactivationReasonCode.InconsistentState, exception.Message));
            }
        }
    }

    private async Task<bool> TryActivateAsync(GrainTurn firstTurn)
    {
        try
        {
            _grain = Class.Create(Runtime.Services, this);
            if (_states is not null)
            {
                foreach (var state in _states)
                {
                    await state.ReadStateAsync().ConfigureAwait(false);
                }
            }
            await _grain.OnActivateAsync(Runtime.ShutdownToken).ConfigureAwait(false);
            _status = ActivationStatus.Active;
            Runtime.Metrics.Activations.Add(1, new KeyValuePair<string, object?>("grain.type", Id.Type));
            return true;
        }
        catch (Exception exception)
        {
            RuntimeLog.ActivationFailed(Runtime.Logger, Id, exception);
            Runtime.Metrics.ActivationFailures.Add(1, new KeyValuePair<string, object?>("grain.type", Id.Type));
            FailAndDrop(new GrainActivationException(Id, exception), firstTurn);
            return false;
        }
    }

    /// <summary>Drops the activation, failing the given turn and every queued one with <paramref name="error"/>.</summary>
    private void FailAndDrop(Exception error, GrainTurn? firstTurn)
    {
        List<GrainTurn> queued;
        lock (_lock)
        {
            _status = ActivationStatus.Invalid;
            queued = DrainMailbox();
        }
        firstTurn?.TrySetException(error);
        foreach (var turn in queued)
        {
            turn.TrySetException(error);
        }
        Finish();
    }

    private void RejectQueuedAndClose(DeactivationReason reason)
    {
        lock (_lock)
        {
            _closeReason = reason;
            // Handed, in order, to the next activation once this one is gone (see Finish).
            _forward = DrainMailbox();
        }
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        if (_grain is not null && _status == ActivationStatus.Deactivating)
        {
            try
            {
                await _grain.OnDeactivateAsync(reason, Runtime.ShutdownToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                RuntimeLog.DeactivationFailed(Runtime.Logger, Id, reason.ReasonCode, exception);
            }
            Runtime.Metrics.Activations.Add(-1, new KeyValuePair<string, object?>("grain.type", Id.Type));
        }
        RuntimeLog.Deactivated(Runtime.Logger, Id, reason.ReasonCode);
        lock (_lock)
        {
            _status = ActivationStatus.Invalid;
        }
        Finish();
    }

    private void Finish()
    {
        Runtime.Remove(this);
        if (_forward is { Count: > 0 } forward)
        {
            Runtime.Forward(Id, Class, forward);
        }
        TaskCompletionSource? deactivated;
        lock (_lock)
        {
            deactivated = _deactivated;
        }
        deactivated?.TrySetResult();
    }

    private List<GrainTurn> DrainMailbox()
    {
        var queued = _mailbox is null ? [] : new List<GrainTurn>(_mailbox);
        _mailbox?.Clear();
        return queued;
    }

    /// <summary>Lifecycle of an activation; only ever moves forward.</summary>
    private enum ActivationStatus
    {
        Created,
        Active,
        Deactivating,
        Invalid,
    }
}

/// <summary>What happened to a call offered to an activation.</summary>
internal enum EnqueueResult
{
    Accepted,
    Full,
    Closed,
}
