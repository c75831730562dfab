namespace Backend.Runtime;

/// <summary>
/// Marker for grain interfaces. Mirrors <c>Orleans.IGrain</c>.
/// </summary>
public interface IGrain;

/// <summary>
/// A grain interface whose identity is a string key. Every method must return
/// <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>,
/// method names must be unique within the interface (no overloads) and arguments must be
/// JSON-serializable values, so that a call can later travel to another silo.
/// Mirrors <c>Orleans.IGrainWithStringKey</c>.
/// </summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>
/// Hands out references to grains. A reference is cheap, needs no activation and can be kept;
/// each call through it is routed by the runtime to the single activation of that key.
/// Mirrors <c>Orleans.IGrainFactory</c>.
/// </summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrainInterface"/> with key <paramref name="primaryKey"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty or the interface has no registered grain class.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey;
}
