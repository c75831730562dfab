using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// A typed reference that renders as a Flow JSON binding: <c>${form.x}</c>, <c>${data.x}</c> or,
/// from 4.0, <c>${screen.S.form.x}</c> / <c>${screen.S.data.x}</c>. Converts to <see cref="string"/>
/// so it can be assigned to any text property, and compares into <see cref="Condition"/>s (6.0+).
/// </summary>
public abstract record FlowRef
{
    /// <summary>The binding text, e.g. <c>${form.email}</c>.</summary>
    public abstract string Expression { get; }

    /// <summary>The binding text.</summary>
    public override string ToString() => Expression;

    /// <summary>A reference is written as its binding text.</summary>
    public static implicit operator string(FlowRef reference) => reference.Expression;

    /// <summary>A boolean reference is a condition by itself (<c>${form.agree}</c>).</summary>
    public static implicit operator Condition(FlowRef reference) => new(reference.Expression);

    /// <summary><c>${a} == value</c>.</summary>
    public Condition Is(object value) => Compare("==", value);

    /// <summary><c>${a} != value</c>.</summary>
    public Condition IsNot(object value) => Compare("!=", value);

    /// <summary><c>${a} &gt; value</c>.</summary>
    public static Condition operator >(FlowRef left, object right) => left.Compare(">", right);

    /// <summary><c>${a} &lt; value</c>.</summary>
    public static Condition operator <(FlowRef left, object right) => left.Compare("<", right);

    /// <summary><c>${a} &gt;= value</c>.</summary>
    public static Condition operator >=(FlowRef left, object right) => left.Compare(">=", right);

    /// <summary><c>${a} &lt;= value</c>.</summary>
    public static Condition operator <=(FlowRef left, object right) => left.Compare("<=", right);

    private Condition Compare(string op, object value) => new($"{Expression} {op} {Condition.Literal(value)}");
}

/// <summary>The value of an input component, <c>${form.name}</c>, or another screen's (<c>${screen.S.form.name}</c>, 4.0+).</summary>
/// <param name="Name">The component's <c>name</c>.</param>
/// <param name="Screen">The screen id for a global reference; null for the current screen.</param>
public sealed record FormRef(string Name, string? Screen = null) : FlowRef
{
    /// <inheritdoc />
    public override string Expression => Screen is null ? $"${{form.{Name}}}" : $"${{screen.{Screen}.form.{Name}}}";

    /// <summary>The same field read from another screen (Flow JSON 4.0+).</summary>
    public FormRef OnScreen(string screenId) => this with { Screen = screenId };
}

/// <summary>A screen data field, <c>${data.key}</c>, or another screen's (<c>${screen.S.data.key}</c>, 4.0+).</summary>
/// <param name="Key">The data field's key (may be a dotted path into an object).</param>
/// <param name="Screen">The screen id for a global reference; null for the current screen.</param>
public sealed record DataRef(string Key, string? Screen = null) : FlowRef
{
    /// <inheritdoc />
    public override string Expression => Screen is null ? $"${{data.{Key}}}" : $"${{screen.{Screen}.data.{Key}}}";

    /// <summary>The same field read from another screen (Flow JSON 4.0+).</summary>
    public DataRef OnScreen(string screenId) => this with { Screen = screenId };

    /// <summary>A property of an object-typed data field: <c>${data.key.property}</c>.</summary>
    public DataRef Property(string name) => this with { Key = $"{Key}.{name}" };
}

/// <summary>
/// A boolean condition for <see cref="If"/> (4.0+) or, wrapped in backticks with
/// <see cref="AsExpression"/>, a nested expression for any property (6.0+).
/// Built from references: <c>age.Ref &gt;= 18 &amp; agree.Ref</c>.
/// </summary>
/// <param name="Text">The condition text, e.g. <c>${form.age} &gt;= 18</c>.</param>
public sealed record Condition(string Text)
{
    /// <summary>Both conditions hold (<c>&amp;&amp;</c>).</summary>
    public static Condition operator &(Condition left, Condition right) => new($"({left.Text} && {right.Text})");

    /// <summary>Either condition holds (<c>||</c>).</summary>
    public static Condition operator |(Condition left, Condition right) => new($"({left.Text} || {right.Text})");

    /// <summary>The condition does not hold (<c>!</c>).</summary>
    public static Condition operator !(Condition condition) => new($"!({condition.Text})");

    /// <summary>The condition text, as <see cref="If.Condition"/> expects it.</summary>
    public static implicit operator string(Condition condition) => condition.Text;

    /// <summary>A 6.0+ nested expression: the condition in backticks, usable as a property value.</summary>
    public string AsExpression() => $"`{Text}`";

    /// <inheritdoc />
    public override string ToString() => Text;

    internal static string Literal(object value) => value switch
    {
        FlowRef reference => reference.Expression,
        string text => $"'{text}'",
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

// Registered in the options (not as an attribute) so it also applies to the derived references
// when they sit in an object-typed payload.
internal sealed class FlowRefJsonConverter : JsonConverter<FlowRef>
{
    public override bool CanConvert(Type typeToConvert) => typeof(FlowRef).IsAssignableFrom(typeToConvert);

    public override FlowRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("References are read back as plain binding strings.");

    public override void Write(Utf8JsonWriter writer, FlowRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Expression);
}
