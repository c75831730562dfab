using System.Runtime.CompilerServices;

namespace Backend.Grains;

/// <summary>The <c>[GrainType]</c> names of this product's grains, shared by the grain classes and <see cref="GrainReferences"/>.</summary>
public static class GrainTypeNames
{
    public const string FlowSession = "flow-session";
    public const string User = "user";
    public const string BookingDay = "booking-day";
    public const string IdempotentCommand = "idempotent-command";
    public const string FlowStats = "flow-stats";
}

/// <summary>
/// References to string-keyed grains without Orleans' per-call type lookup. <c>IGrainFactory.GetGrain&lt;T&gt;(key)</c>
/// in Orleans 10.4 resolves the interface's <see cref="GrainInterfaceType"/> from its attributes and formatted type
/// name, then the implementing grain type, on every call: 2.6 % of the Api's CPU in a sign-up step, which makes two
/// references. Here the interface type is taken once from a reference Orleans made, and the grain type is the
/// grain class's <c>[GrainType]</c> name (<see cref="GrainTypeNames"/>), so a client that has not yet received the
/// cluster's manifest addresses the right grain type too.
/// </summary>
public static class GrainReferences
{
    /// <summary>The grain <paramref name="grainType"/>/<paramref name="key"/>, seen through <typeparamref name="T"/>.</summary>
    public static T Get<T>(IGrainFactory grains, GrainType grainType, string key) where T : class, IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        // First use: Orleans resolves the interface type once. The box is published whole, never half-written, and two
        // first uses racing store equal values.
        var interfaceType = InterfaceTypeOf<T>.Value ??= new(((GrainReference)(object)grains.GetGrain<T>(key)).InterfaceType);
        return (T)grains.GetGrain(GrainId.Create(grainType, key), interfaceType.Value);
    }

    // A GrainInterfaceType depends only on the interface (its attributes and name), not on the cluster.
    private static class InterfaceTypeOf<T>
    {
        public static StrongBox<GrainInterfaceType>? Value;
    }
}
