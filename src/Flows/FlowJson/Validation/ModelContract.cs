using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Backend.Flows.FlowJson.Validation;

/// <summary>
/// The JSON each model property can be read from, taken from the serializer's own contract
/// (<see cref="FlowJsonSerializer.Options"/>), so the validator refuses exactly the values
/// <see cref="FlowJsonSerializer.Parse(string)"/> cannot read instead of keeping a second list that drifts.
/// </summary>
internal static class ModelContract
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, JsonPropertyInfo>> PropertiesByType = new();

    /// <summary>The model type of each component type name (<c>TextBody</c> → <see cref="TextBody"/>).</summary>
    public static IReadOnlyDictionary<string, Type> ComponentTypes { get; } =
        FlowJsonSerializer.Options.GetTypeInfo(typeof(Component)).PolymorphismOptions!.DerivedTypes
            .ToDictionary(d => (string)d.TypeDiscriminator!, d => d.DerivedType, StringComparer.Ordinal);

    /// <summary>The JSON properties of a model type, by JSON name (the extension data excluded).</summary>
    public static IReadOnlyDictionary<string, JsonPropertyInfo> PropertiesOf(Type type) =>
        PropertiesByType.GetOrAdd(type, t => FlowJsonSerializer.Options.GetTypeInfo(t).Properties
            .Where(p => !p.IsExtensionData)
            .ToDictionary(p => p.Name, StringComparer.Ordinal));

    /// <summary>The property <paramref name="name"/> of component type <paramref name="component"/>, if the model has one.</summary>
    public static Type? PropertyType(string component, string name) =>
        ComponentTypes.TryGetValue(component, out var type) && PropertiesOf(type).TryGetValue(name, out var property) ? property.PropertyType : null;

    /// <summary>
    /// Null when <paramref name="value"/> can be read as <paramref name="type"/>; otherwise the pointer of the
    /// first part that cannot (at or below <paramref name="pointer"/>) and what was expected there. Components,
    /// actions, screens and layouts are only required to be objects: the validator walks into them itself.
    /// </summary>
    public static (string Pointer, string Expected)? Misfit(JsonElement value, Type type, string pointer)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return (pointer, "a value (null is never allowed)");
        }
        if (t == typeof(object) || t == typeof(JsonElement))
        {
            return null;
        }
        if (t == typeof(string) || t.IsEnum)
        {
            return Expect(value.ValueKind == JsonValueKind.String, pointer, "a string");
        }
        if (t == typeof(bool))
        {
            return Expect(value.ValueKind is JsonValueKind.True or JsonValueKind.False, pointer, "a boolean");
        }
        if (t == typeof(int))
        {
            return Expect(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _), pointer, "an integer");
        }
        if (t == typeof(double))
        {
            return Expect(value.ValueKind == JsonValueKind.Number, pointer, "a number");
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(FlowValue<>))
        {
            return value.ValueKind == JsonValueKind.String ? null
                : Misfit(value, t.GetGenericArguments()[0], pointer) is { } inner ? (inner.Pointer, inner.Expected + " (or a binding)") : null;
        }
        if (t == typeof(FlowText))
        {
            return value.ValueKind == JsonValueKind.Array ? Misfit(value, typeof(string[]), pointer)
                : Expect(value.ValueKind == JsonValueKind.String, pointer, "a string or an array of strings");
        }
        if (typeof(Component).IsAssignableFrom(t) || typeof(FlowAction).IsAssignableFrom(t) || t == typeof(Screen) || t == typeof(Layout))
        {
            return Expect(value.ValueKind == JsonValueKind.Object, pointer, "an object");
        }
        if (Generic(t, typeof(IReadOnlyDictionary<,>)) is { } dictionary)
        {
            return value.ValueKind != JsonValueKind.Object ? (pointer, "an object")
                : value.EnumerateObject().Select(p => Misfit(p.Value, dictionary[1], JsonPointer.Append(pointer, p.Name))).FirstOrDefault(m => m is not null);
        }
        if (t != typeof(string) && Generic(t, typeof(IEnumerable<>)) is { } sequence)
        {
            return value.ValueKind != JsonValueKind.Array ? (pointer, "an array")
                : value.EnumerateArray().Select((item, i) => Misfit(item, sequence[0], JsonPointer.Append(pointer, i))).FirstOrDefault(m => m is not null);
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            return (pointer, "an object");
        }
        var properties = PropertiesOf(t);
        foreach (var property in value.EnumerateObject())
        {
            if (properties.TryGetValue(property.Name, out var info) && Misfit(property.Value, info.PropertyType, JsonPointer.Append(pointer, property.Name)) is { } misfit)
            {
                return misfit;
            }
        }
        return properties.Values.FirstOrDefault(p => p.IsRequired && !value.TryGetProperty(p.Name, out _)) is { } missing
            ? (pointer, $"an object with '{missing.Name}'")
            : null;
    }

    private static (string, string)? Expect(bool fits, string pointer, string expected) => fits ? null : (pointer, expected);

    private static Type[]? Generic(Type type, Type definition) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type : null)?.GetGenericArguments()
        ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition)?.GetGenericArguments();
}
