namespace Backend.Runtime;

/// <summary>
/// Base of the errors the runtime itself raises about a call (not the grain's own exceptions,
/// which reach the caller unchanged).
/// </summary>
public abstract class GrainRuntimeException(string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>True when the same call may succeed if retried later (nothing was executed).</summary>
    public abstract bool IsRetryable { get; }
}

/// <summary>
/// The target activation already holds as many queued calls as <c>GrainRuntime:MailboxCapacity</c>
/// allows. The call was not queued and did not run: retry it after a back-off.
/// Orleans raises <c>Orleans.Runtime.LimitExceededException</c> in the same situation.
/// </summary>
public sealed class GrainMailboxFullException(GrainId grainId, int capacity)
    : GrainRuntimeException($"The mailbox of grain {grainId} is full ({capacity} calls waiting); the call was not queued, retry later.")
{
    /// <summary>The grain whose mailbox was full.</summary>
    public GrainId GrainId { get; } = grainId;

    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>
/// A call did not complete before its deadline (<c>GrainRuntime:CallTimeout</c>). If it was still
/// waiting in the mailbox it is removed and will never run (<see cref="Started"/> is false);
/// if it had started, it runs to completion but its result is discarded.
/// Orleans raises <see cref="TimeoutException"/>; this derives from it.
/// </summary>
public sealed class GrainCallTimeoutException(string call, TimeSpan timeout, bool started)
    : TimeoutException(started
        ? $"The call {call} did not complete within {timeout}; it had started and may still complete."
        : $"The call {call} waited more than {timeout} for its turn and was dropped without running.")
{
    /// <summary>Whether the grain method had started when the deadline passed.</summary>
    public bool Started { get; } = started;
}

/// <summary>
/// Creating, reading the state of, or running <see cref="Grain.OnActivateAsync"/> for an activation
/// failed. The inner exception is the cause. No activation is kept: the next call tries again.
/// </summary>
public sealed class GrainActivationException(GrainId grainId, Exception innerException)
    : GrainRuntimeException($"Activation of grain {grainId} failed: {innerException.Message}", innerException)
{
    /// <summary>The grain whose activation failed.</summary>
    public GrainId GrainId { get; } = grainId;

    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>
/// The runtime is shutting down (or not started) and accepts no new calls from outside grains.
/// Mirrors <c>Orleans.Runtime.SiloUnavailableException</c>.
/// </summary>
public sealed class SiloUnavailableException(string message) : GrainRuntimeException(message)
{
    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>
/// A storage write or clear found a stored version different from the one the activation read,
/// so nothing was written. The runtime drops the activation after the current call; the next
/// call reads the current state. Mirrors <c>Orleans.Storage.InconsistentStateException</c>.
/// </summary>
public sealed class InconsistentStateException(string message, string? storedEtag, string? currentEtag)
    : Exception(message)
{
    /// <summary>The version in storage, when known.</summary>
    public string? StoredEtag { get; } = storedEtag;

    /// <summary>The version the activation expected.</summary>
    public string? CurrentEtag { get; } = currentEtag;
}
