namespace Backend.Runtime;

/// <summary>
/// Names a grain class's type for storage and placement. Without it the name is the class name
/// without a trailing <c>Grain</c>, lower-cased (<c>CartGrain</c> becomes <c>cart</c>), as in Orleans.
/// Persisted state is keyed by this name, so keep it stable when renaming a class.
/// Mirrors <c>Orleans.GrainTypeAttribute</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string grainType) : Attribute
{
    /// <summary>The stable grain type name.</summary>
    public string GrainType { get; } = grainType;
}
