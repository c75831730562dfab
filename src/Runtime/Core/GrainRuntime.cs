using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backend.Runtime;

/// <summary>
/// The local silo: the catalog of activations and the call path. A call is a <see cref="GrainCall"/>
/// message; placement names the owning silo; only the local silo exists today, and a remote
/// transport plugs in where <see cref="InvokeAsync(GrainCall, GrainInterfaceInfo, GrainMethodInfo)"/>
/// finds a different owner.
/// </summary>
internal sealed class GrainRuntime : IDisposable
{
    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly IGrainPlacement _placement;
    private readonly CancellationTokenSource _shutdown = new();
    private volatile RuntimeState _state;

    public GrainRuntime(
        IServiceProvider services,
        GrainTypeRegistry registry,
        IOptions<GrainRuntimeOptions> options,
        IGrainPlacement placement,
        ILocalSiloDetails silo,
        RuntimeMetrics metrics,
        ILogger<GrainRuntime> logger)
    {
        Services = services;
        _registry = registry;
        Options = options.Value;
        _placement = placement;
        Silo = silo.SiloAddress;
        Metrics = metrics;
        Logger = logger;
        Factory = new GrainFactory(this, registry);
    }

    public IServiceProvider Services { get; }

    public GrainRuntimeOptions Options { get; }

    public SiloAddress Silo { get; }

    public RuntimeMetrics Metrics { get; }

    public ILogger Logger { get; }

    public IGrainFactory Factory { get; }

    /// <summary>Cancelled when shutdown runs out of time; passed to activation and deactivation hooks.</summary>
    public CancellationToken ShutdownToken => _shutdown.Token;

    public int ActivationCount => _activations.Count;

    public void Start() => _state = RuntimeState.Running;

    /// <summary>Entry point for a call that arrives as a message (the future remote transport's).</summary>
    public Task<object?> InvokeAsync(GrainCall call)
    {
        var grainInterface = _registry.GetInterface(call.InterfaceType);
        if (!grainInterface.ByName.TryGetValue(call.Method, out var method))
        {
            throw new ArgumentException($"{call.InterfaceType} has no method '{call.Method}'.", nameof(call));
        }
        return InvokeAsync(call, grainInterface, method);
    }

    /// <summary>A call whose interface and method a local reference has already resolved.</summary>
    public async Task<object?> InvokeAsync(GrainCall call, GrainInterfaceInfo grainInterface, GrainMethodInfo method)
    {
        if (call.Arguments.Length != method.ParameterCount)
        {
            throw new ArgumentException($"{call} takes {method.ParameterCount} arguments, not {call.Arguments.Length}.", nameof(call));
        }
        var grainId = new GrainId(grainInterface.Class.GrainType, call.Key);
        var started = Stopwatch.GetTimestamp();
        var tags = new TagList
        {
            { "grain.interface", grainInterface.Interface.Name },
            { "grain.method", method.Name },
        };
        using var activity = RuntimeMetrics.ActivitySource.StartActivity(method.CallSpanName, ActivityKind.Client);
        activity?.SetTag("grain.id", grainId.ToString());
        Metrics.Calls.Add(1, tags);
        try
        {
            var owner = await _placement.GetOwnerAsync(grainId, CancellationToken.None).ConfigureAwait(false);
            if (owner != Silo)
            {
                throw new SiloUnavailableException(
                    $"Grain {grainId} is placed on silo {owner}; this single-node runtime cannot call other silos.");
            }
            return await DeliverAsync(grainId, grainInterface.Class, call, method, started).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            tags.Add("error.type", exception.GetType().Name);
            Metrics.CallFailures.Add(1, tags);
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
        finally
        {
            Metrics.CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private async Task<object?> DeliverAsync(GrainId grainId, GrainClassInfo grainClass, GrainCall call, GrainMethodInfo method, long started)
    {
        var timeout = Options.CallTimeout;
        var deadline = started + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var caller = GrainActivation.Current;
        if (caller is not null && caller.Id == grainId)
        {
            throw new InvalidOperationException(
                $"Grain {grainId} called itself from inside a turn; a non-reentrant grain would wait for itself until the deadline. Call the method directly instead.");
        }
        while (true)
        {
            // Once stopping, only calls made by grains finishing their turns are still served.
            if (_state != RuntimeState.Running && !(_state == RuntimeState.Stopping && caller is not null))
            {
                throw new SiloUnavailableException(_state == RuntimeState.NotStarted
                    ? "The grain runtime has not started; start the host first."
                    : "The grain runtime is shutting down and accepts no new calls.");
            }
            var activation = ActivationOf(grainId, grainClass);
            var turn = new GrainTurn(call, method, deadline, Activity.Current?.Context ?? default);
            switch (activation.Enqueue(turn))
            {
                case EnqueueResult.Full:
                    throw new GrainMailboxFullException(grainId, Options.MailboxCapacity);
                case EnqueueResult.Closed:
                    await WaitAsync(activation.WhenDeactivated(), call, deadline, timeout).ConfigureAwait(false);
                    continue;
            }
            try
            {
                return await WaitAsync(turn.Task, call, deadline, timeout, turn).ConfigureAwait(false);
            }
            catch (ActivationClosedException)
            {
                // The activation was dropped before running this call: deliver it to the next one.
            }
        }
    }

    private static async Task<T> WaitAsync<T>(Task<T> task, GrainCall call, long deadline, TimeSpan timeout, GrainTurn turn)
    {
        var remaining = Remaining(deadline);
        try
        {
            return await task.WaitAsync(remaining).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            var expired = new GrainCallTimeoutException(call.ToString(), timeout, turn.Started);
            if (turn.TrySetException(expired))
            {
                throw expired;
            }
            return await task.ConfigureAwait(false);
        }
    }

    private static async Task WaitAsync(Task task, GrainCall call, long deadline, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(Remaining(deadline)).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new GrainCallTimeoutException(call.ToString(), timeout, started: false);
        }
    }

    private static TimeSpan Remaining(long deadline)
    {
        var ticks = deadline - Stopwatch.GetTimestamp();
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
    }

    /// <summary>
    /// Hands calls that were queued on a dropped activation, in their order, to a new activation
    /// of the same grain; their callers keep waiting on the same turns.
    /// </summary>
    internal void Forward(GrainId grainId, GrainClassInfo grainClass, List<GrainTurn> turns)
    {
        foreach (var turn in turns)
        {
            switch (ActivationOf(grainId, grainClass).Enqueue(turn))
            {
                case EnqueueResult.Full:
                    turn.TrySetException(new GrainMailboxFullException(grainId, Options.MailboxCapacity));
                    break;
                case EnqueueResult.Closed:
                    turn.Reject();
                    break;
            }
        }
    }

    /// <summary>The one activation of a grain, created (not yet activated) when there is none.</summary>
    private GrainActivation ActivationOf(GrainId grainId, GrainClassInfo grainClass) =>
        _activations.GetOrAdd(grainId, static (id, state) => new GrainActivation(id, state.grainClass, state.runtime), (grainClass, runtime: this));

    internal void Remove(GrainActivation activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(activation.Id, activation));

    /// <summary>Starts deactivating every activation idle for longer than the collection age.</summary>
    public int CollectIdle()
    {
        var now = Environment.TickCount64;
        var age = (long)Options.CollectionAge.TotalMilliseconds;
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.TryCollect(now, age))
            {
                collected++;
            }
        }
        if (collected > 0)
        {
            RuntimeLog.Collecting(Logger, collected);
        }
        return collected;
    }

    /// <summary>
    /// Graceful shutdown: refuse new calls from outside, let every queued and running turn finish
    /// (grains may still call each other meanwhile), then run each grain's OnDeactivateAsync.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_state is RuntimeState.Stopping or RuntimeState.Stopped)
        {
            return;
        }
        _state = RuntimeState.Stopping;
        RuntimeLog.Stopping(Logger, _activations.Count);
        using var cutShort = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _shutdown);
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is shutting down");
        try
        {
            // Grains finishing their turns may activate others; keep closing until none are left.
            while (!_activations.IsEmpty)
            {
                await Task.WhenAll(_activations.Values.Select(a => a.Close(reason))).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            RuntimeLog.Stopped(Logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            RuntimeLog.ShutdownCutShort(Logger, _activations.Count);
        }
        finally
        {
            _state = RuntimeState.Stopped;
        }
    }

    public void Dispose() => _shutdown.Dispose();

    private enum RuntimeState
    {
        NotStarted,
        Running,
        Stopping,
        Stopped,
    }
}
