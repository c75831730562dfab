using System.Diagnostics;

namespace Backend.Runtime;

/// <summary>
/// One call waiting for, or running in, an activation's turn. The caller awaits it; the
/// activation completes it. Whoever completes it first wins: a caller whose deadline passed
/// completes it with a timeout, and the activation then skips it.
/// </summary>
internal sealed class GrainTurn(GrainCall call, GrainMethodInfo method, long deadline, ActivityContext caller)
    : TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private int _started;

    /// <summary>The caller's trace context; a remote transport carries it as <c>traceparent</c>.</summary>
    public ActivityContext Caller { get; } = caller;

    public GrainCall Call { get; } = call;

    public GrainMethodInfo Method { get; } = method;

    /// <summary>Deadline as a <see cref="Stopwatch"/> timestamp.</summary>
    public long Deadline { get; } = deadline;

    public bool Started => Volatile.Read(ref _started) == 1;

    /// <summary>Claims the turn for running; false when the caller has given up or the deadline has passed.</summary>
    public bool TryStart(TimeSpan timeout)
    {
        if (Task.IsCompleted)
        {
            return false;
        }
        if (Stopwatch.GetTimestamp() > Deadline)
        {
            TrySetException(new GrainCallTimeoutException(Call.ToString(), timeout, started: false));
            return false;
        }
        Volatile.Write(ref _started, 1);
        return true;
    }

    /// <summary>Sends the call back to the caller to be delivered to a fresh activation.</summary>
    public void Reject() => TrySetException(new ActivationClosedException());
}

/// <summary>The activation closed before running the call; the caller retries on a new activation.</summary>
internal sealed class ActivationClosedException() : Exception("The activation closed before the call ran.");
