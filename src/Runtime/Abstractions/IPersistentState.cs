namespace Backend.Runtime;

/// <summary>
/// State of type <typeparamref name="TState"/> as held by a storage provider, with its version.
/// Mirrors <c>Orleans.IGrainState&lt;T&gt;</c>.
/// </summary>
public interface IGrainState<TState>
{
    /// <summary>The state value.</summary>
    TState State { get; set; }

    /// <summary>The stored version this value was read at or last written as; null when nothing was ever stored.</summary>
    string? ETag { get; set; }

    /// <summary>Whether storage holds a record (false before the first write and after a clear).</summary>
    bool RecordExists { get; set; }
}

/// <summary>
/// A grain's persisted state, injected into the grain's constructor through a parameter marked
/// with <see cref="PersistentStateAttribute"/>. It has been read before
/// <see cref="Grain.OnActivateAsync"/> runs. Writes are optimistic: a write whose
/// <see cref="Etag"/> is no longer current throws <see cref="InconsistentStateException"/> and
/// changes nothing. Mirrors <c>Orleans.Runtime.IPersistentState&lt;T&gt;</c>.
/// </summary>
public interface IPersistentState<TState>
{
    /// <summary>The current value. A new <typeparamref name="TState"/> (or default) when nothing is stored.</summary>
    TState State { get; set; }

    /// <summary>The version of the stored record this activation knows; null when none was read or written.</summary>
    string? Etag { get; }

    /// <summary>Whether a record exists in storage.</summary>
    bool RecordExists { get; }

    /// <summary>Reads the stored value and version, replacing <see cref="State"/>.</summary>
    Task ReadStateAsync();

    /// <summary>Writes <see cref="State"/> if the stored version is still <see cref="Etag"/>.</summary>
    /// <exception cref="InconsistentStateException">Storage holds another version; nothing was written.</exception>
    Task WriteStateAsync();

    /// <summary>Removes the stored value (the version still advances) and resets <see cref="State"/>.</summary>
    /// <exception cref="InconsistentStateException">Storage holds another version; nothing was cleared.</exception>
    Task ClearStateAsync();
}

/// <summary>
/// Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>: the
/// runtime injects state named <paramref name="stateName"/> from the storage provider named
/// <paramref name="storageName"/>. Mirrors <c>Orleans.Runtime.PersistentStateAttribute</c>.
/// </summary>
/// <param name="stateName">Name of this state within the grain; part of the storage key.</param>
/// <param name="storageName">Provider name; null selects the default provider.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>Name of this state within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The storage provider name, or null for the default provider.</summary>
    public string? StorageName { get; } = storageName;
}

/// <summary>
/// A storage provider for grain state. Implementations must honour the version contract:
/// a write or clear with a null ETag succeeds only when no record (not even a cleared one) exists;
/// one with an ETag succeeds only when the stored version equals it; otherwise they throw
/// <see cref="InconsistentStateException"/> and change nothing. On success they set the new ETag.
/// Mirrors <c>Orleans.Storage.IGrainStorage</c>.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Reads state <paramref name="stateName"/> of <paramref name="grainId"/> into <paramref name="grainState"/>.</summary>
    Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    /// <summary>Writes <paramref name="grainState"/> if its ETag is current.</summary>
    Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    /// <summary>Clears the stored value if <paramref name="grainState"/>'s ETag is current.</summary>
    Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);
}
