namespace Backend.Runtime;

/// <summary>
/// Identity of a grain: its grain type name (see <see cref="GrainTypeAttribute"/>) and string key.
/// The unit of placement, activation and storage. Mirrors <c>Orleans.Runtime.GrainId</c>.
/// </summary>
/// <param name="Type">The grain type name, e.g. <c>cart</c>.</param>
/// <param name="Key">The primary key.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}

/// <summary>
/// Identity of a silo (a process hosting activations): the endpoint other silos would call and a
/// generation that changes on every start, so a restarted process on the same endpoint is a new
/// silo. Mirrors <c>Orleans.Runtime.SiloAddress</c>.
/// </summary>
/// <param name="Endpoint">The advertised endpoint, <c>host:port</c>.</param>
/// <param name="Generation">Start generation, increasing across restarts.</param>
public sealed record SiloAddress(string Endpoint, long Generation)
{
    /// <inheritdoc />
    public override string ToString() => $"{Endpoint}@{Generation}";
}

/// <summary>The silo this process runs. Mirrors <c>Orleans.Runtime.ILocalSiloDetails</c>.</summary>
public interface ILocalSiloDetails
{
    /// <summary>This silo's address and generation.</summary>
    SiloAddress SiloAddress { get; }
}

/// <summary>
/// A grain call as a message: everything needed to run it on whichever silo owns the grain.
/// Arguments are passed by reference on the local path; a remote transport serializes them
/// with System.Text.Json, so they must be plain serializable values (records, primitives).
/// </summary>
/// <param name="InterfaceType">Full name of the grain interface the call was made through.</param>
/// <param name="Key">The grain key.</param>
/// <param name="Method">The interface method's name (unique within the interface).</param>
/// <param name="Arguments">The arguments, in declaration order.</param>
public sealed record GrainCall(string InterfaceType, string Key, string Method, object?[] Arguments)
{
    /// <inheritdoc />
    public override string ToString() => $"{InterfaceType}/{Key}.{Method}";
}

/// <summary>
/// Chooses the silo that owns a grain. On one node every grain is local; the clustered runtime
/// replaces this with consistent hashing over live silos from the membership table.
/// </summary>
public interface IGrainPlacement
{
    /// <summary>The silo that must host <paramref name="grainId"/>.</summary>
    ValueTask<SiloAddress> GetOwnerAsync(GrainId grainId, CancellationToken cancellationToken);
}

internal sealed class LocalSiloDetails(SiloAddress address) : ILocalSiloDetails
{
    public SiloAddress SiloAddress { get; } = address;
}

/// <summary>Single-node placement: this silo owns every grain.</summary>
internal sealed class LocalGrainPlacement(ILocalSiloDetails silo) : IGrainPlacement
{
    public ValueTask<SiloAddress> GetOwnerAsync(GrainId grainId, CancellationToken cancellationToken) =>
        new(silo.SiloAddress);
}
