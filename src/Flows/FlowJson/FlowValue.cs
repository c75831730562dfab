using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// A property value that is either a literal (<c>true</c>, <c>8</c>, an array) or a binding
/// (<c>${data.x}</c>, a 6.0+ backtick expression). Assign a literal or a <see cref="FlowRef"/> directly.
/// </summary>
/// <typeparam name="T">The literal's type.</typeparam>
[JsonConverter(typeof(FlowValueJsonConverterFactory))]
public sealed record FlowValue<T>
{
    private FlowValue(T? literal, string? binding)
    {
        Literal = literal;
        Binding = binding;
    }

    /// <summary>The literal value, when not bound.</summary>
    public T? Literal { get; }

    /// <summary>The binding text (<c>${data.x}</c> or an expression), when bound.</summary>
    public string? Binding { get; }

    /// <summary>A literal value.</summary>
    public static FlowValue<T> Of(T literal) => new(literal, null);

    /// <summary>A binding written as text, e.g. a backtick expression.</summary>
    public static FlowValue<T> Bound(string binding) => new(default, binding);

    /// <summary>A literal value.</summary>
    public static implicit operator FlowValue<T>(T literal) => Of(literal);

    /// <summary>A reference to screen data or a field.</summary>
    public static implicit operator FlowValue<T>(FlowRef reference) => Bound(reference.Expression);

    /// <summary>A 6.0+ condition used as a value (written in backticks).</summary>
    public static implicit operator FlowValue<T>(Condition condition) => Bound(condition.AsExpression());

    /// <inheritdoc />
    public override string ToString() => Binding ?? Literal?.ToString() ?? "";
}

internal sealed class FlowValueJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(FlowValue<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(
            typeof(FlowValueJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

internal sealed class FlowValueJsonConverter<T> : JsonConverter<FlowValue<T>>
{
    public override FlowValue<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && typeof(T) != typeof(string))
        {
            return FlowValue<T>.Bound(reader.GetString()!);
        }
        return FlowValue<T>.Of(JsonSerializer.Deserialize<T>(ref reader, options)!);
    }

    public override void Write(Utf8JsonWriter writer, FlowValue<T> value, JsonSerializerOptions options)
    {
        if (value.Binding is not null)
        {
            writer.WriteStringValue(value.Binding);
        }
        else
        {
            JsonSerializer.Serialize(writer, value.Literal, options);
        }
    }
}
