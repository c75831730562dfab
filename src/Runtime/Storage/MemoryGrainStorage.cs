using System.Collections.Concurrent;

namespace Backend.Runtime;

/// <summary>
/// Grain storage in process memory, for the single-process default and tests. Values are kept as
/// JSON, so every activation reads its own copy, and versions follow exactly the contract of
/// <see cref="IGrainStorage"/> (the same as <see cref="PostgresGrainStorage"/>).
/// Mirrors Orleans' <c>MemoryGrainStorage</c>.
/// </summary>
public sealed class MemoryGrainStorage(GrainStateSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string Type, string Key, string State), Entry> _entries = new();

    /// <summary>Number of records held (cleared ones included).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (_entries.TryGetValue(KeyOf(stateName, grainId), out var entry))
        {
            grainState.State = entry.Json is null ? GrainStateSerializer.NewState<T>() : serializer.Deserialize<T>(entry.Json);
            grainState.ETag = GrainStateSerializer.FormatEtag(entry.Version);
            grainState.RecordExists = entry.Json is not null;
        }
        else
        {
            grainState.State = GrainStateSerializer.NewState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var version = Store(stateName, grainId, grainState.ETag, serializer.Serialize(grainState.State));
        grainState.ETag = GrainStateSerializer.FormatEtag(version);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var version = Store(stateName, grainId, grainState.ETag, json: null);
        grainState.State = GrainStateSerializer.NewState<T>();
        grainState.ETag = GrainStateSerializer.FormatEtag(version);
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private long Store(string stateName, GrainId grainId, string? etag, string? json)
    {
        var key = KeyOf(stateName, grainId);
        if (etag is null)
        {
            if (_entries.TryAdd(key, new Entry(1, json)))
            {
                return 1;
            }
            throw Conflict(grainId, stateName, etag, key);
        }
        var expected = GrainStateSerializer.ParseEtag(etag, grainId);
        if (_entries.TryGetValue(key, out var current)
            && current.Version == expected
            && _entries.TryUpdate(key, new Entry(expected + 1, json), current))
        {
            return expected + 1;
        }
        throw Conflict(grainId, stateName, etag, key);
    }

    private InconsistentStateException Conflict(GrainId grainId, string stateName, string? etag, (string, string, string) key)
    {
        var stored = _entries.TryGetValue(key, out var entry) ? GrainStateSerializer.FormatEtag(entry.Version) : null;
        return new InconsistentStateException(
            $"Version conflict on state '{stateName}' of {grainId}: expected {etag ?? "no record"}, storage has {stored ?? "no record"}.",
            stored,
            etag);
    }

    private static (string, string, string) KeyOf(string stateName, GrainId grainId) => (grainId.Type, grainId.Key, stateName);

    // A reference type so TryUpdate's comparison is by identity: only the entry we read is replaced.
    private sealed class Entry(long version, string? json)
    {
        public long Version { get; } = version;

        public string? Json { get; } = json;
    }
}
