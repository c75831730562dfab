using System.Diagnostics;

namespace Backend.Runtime;

/// <summary>Something an activation reads before it runs its first call.</summary>
internal interface IActivationState
{
    Task ReadStateAsync();
}

/// <summary>
/// The <see cref="IPersistentState{TState}"/> injected into a grain: binds a state name and grain
/// id to a storage provider, and measures each operation.
/// </summary>
internal sealed class PersistentState<TState>(IGrainStorage storage, string stateName, GrainId grainId, RuntimeMetrics metrics)
    : IPersistentState<TState>, IGrainState<TState>, IActivationState
{
    public TState State { get; set; } = GrainStateSerializer.NewState<TState>();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    string? IPersistentState<TState>.Etag => ETag;

    public Task ReadStateAsync() => MeasureAsync("read", storage.ReadStateAsync(stateName, grainId, this));

    public Task WriteStateAsync() => MeasureAsync("write", storage.WriteStateAsync(stateName, grainId, this));

    public Task ClearStateAsync() => MeasureAsync("clear", storage.ClearStateAsync(stateName, grainId, this));

    private async Task MeasureAsync(string operation, Task pending)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            metrics.EtagConflicts.Add(1, new KeyValuePair<string, object?>("grain.type", grainId.Type));
            throw;
        }
        finally
        {
            metrics.StorageDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("operation", operation),
                new KeyValuePair<string, object?>("grain.type", grainId.Type));
        }
    }
}
