using System.Diagnostics;
using Backend.LoadGen.Measurement;

namespace Backend.LoadGen.Scheduling;

/// <summary>
/// Open-loop (fixed-rate) dispatch: operation <c>i</c> is due at <c>start + i / rate</c> whatever happened to the
/// earlier ones, and is handed that intended start so its latency is measured from it. A slow target therefore
/// shows as longer latencies and more operations in flight, never as a lower offered rate (no coordinated
/// omission). A dedicated thread keeps time: it sleeps about a millisecond, then starts every operation that has
/// come due; each runs on that thread until its first await (for a request: sealing and writing it).
/// </summary>
public static class OpenLoop
{
    /// <summary>
    /// Dispatches operations at <paramref name="ratePerSecond"/> from <paramref name="startTimestamp"/> until
    /// <paramref name="endTimestamp"/> (exclusive, <see cref="Stopwatch"/> ticks) or <paramref name="maxOperations"/>
    /// operations, then waits for all of them to finish. Returns the number dispatched.
    /// </summary>
    /// <param name="ratePerSecond">Operations started per second.</param>
    /// <param name="startTimestamp">Intended start of operation 0.</param>
    /// <param name="endTimestamp">No operation is due at or after this time.</param>
    /// <param name="maxOperations">At most this many operations.</param>
    /// <param name="operation">Runs operation <c>i</c> given its index and intended start timestamp.</param>
    /// <param name="scheduleLag">When given, records how late each operation actually started (timer granularity).</param>
    /// <param name="cancellationToken">Stops dispatching (operations in flight still finish).</param>
    public static async Task<long> RunAsync(
        double ratePerSecond,
        long startTimestamp,
        long endTimestamp,
        long maxOperations,
        Func<long, long, Task> operation,
        LatencyHistogram? scheduleLag = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentNullException.ThrowIfNull(operation);
        var ticksPerOperation = Stopwatch.Frequency / ratePerSecond;
        var inFlight = new InFlight();
        long dispatched = 0;
        var dispatcher = new Thread(() =>
        {
            while (!cancellationToken.IsCancellationRequested && dispatched < maxOperations)
            {
                var intended = startTimestamp + (long)(dispatched * ticksPerOperation);
                if (intended >= endTimestamp)
                {
                    break;
                }
                var now = Stopwatch.GetTimestamp();
                if (intended > now)
                {
                    // Sleeping (never spinning) keeps the dispatcher's cost near zero; the timer's granularity is
                    // its lag, recorded in scheduleLag and part of the operations' latencies.
                    Thread.Sleep(Math.Clamp((int)Stopwatch.GetElapsedTime(now, intended).TotalMilliseconds, 1, 100));
                    continue;
                }
                scheduleLag?.RecordTicks(intended, now);
                inFlight.Enter();
                _ = inFlight.Run(operation, dispatched++, intended);
            }
        })
        {
            IsBackground = true,
            Name = "flows-load open-loop dispatcher",
        };
        dispatcher.Start();
        await Task.Factory.StartNew(dispatcher.Join, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await inFlight.DrainAsync();
        return dispatched;
    }

    /// <summary>Counts operations in flight; completes once dispatching ended and the count is back to zero.</summary>
    private sealed class InFlight
    {
        private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
        // Starts at one for the dispatcher itself, released by DrainAsync.
        private long _count = 1;

        public void Enter() => Interlocked.Increment(ref _count);

        public async Task Run(Func<long, long, Task> operation, long index, long intended)
        {
            try
            {
                await operation(index, intended);
            }
            catch (Exception ex)
            {
                _drained.TrySetException(ex);
            }
            finally
            {
                Exit();
            }
        }

        public Task DrainAsync()
        {
            Exit();
            return _drained.Task;
        }

        private void Exit()
        {
            if (Interlocked.Decrement(ref _count) == 0)
            {
                _drained.TrySetResult();
            }
        }
    }
}
