using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// The <c>text</c> of a text component: one string (literal or binding) or, where Meta allows it, an array of
/// lines (TextBody and TextCaption with <c>markdown: true</c>, 5.1+; RichText). Read and written in the form
/// it came in, so a document round-trips unchanged. Assign a string, a <see cref="FlowRef"/> or a string array.
/// </summary>
[JsonConverter(typeof(FlowTextJsonConverter))]
public sealed record FlowText
{
    private FlowText(string? value, IReadOnlyList<string>? lines)
    {
        Value = value;
        Lines = lines;
    }

    /// <summary>The text, when written as one string (possibly a binding).</summary>
    public string? Value { get; }

    /// <summary>The lines, when written as an array.</summary>
    public IReadOnlyList<string>? Lines { get; }

    /// <summary>One string.</summary>
    public static FlowText Of(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>An array of lines (markdown).</summary>
    public static FlowText OfLines(params IEnumerable<string> lines) => new(null, [.. lines]);

    /// <summary>One string.</summary>
    public static implicit operator FlowText(string text) => Of(text);

    /// <summary>An array of lines.</summary>
    public static implicit operator FlowText(string[] lines) => OfLines(lines);

    /// <summary>A binding, e.g. <c>${data.body}</c>.</summary>
    public static implicit operator FlowText(FlowRef reference) => Of(reference.Expression);

    /// <inheritdoc />
    public bool Equals(FlowText? other) =>
        other is not null && Value == other.Value
        && (Lines is null ? other.Lines is null : other.Lines is not null && Lines.SequenceEqual(other.Lines, StringComparer.Ordinal));

    /// <inheritdoc />
    public override int GetHashCode() => Value?.GetHashCode(StringComparison.Ordinal) ?? Lines!.Count;

    /// <summary>The text; lines joined with <c>\n</c>.</summary>
    public override string ToString() => Value ?? string.Join('\n', Lines!);
}

internal sealed class FlowTextJsonConverter : JsonConverter<FlowText>
{
    public override FlowText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return FlowText.Of(reader.GetString()!);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("'text' must be a string or an array of strings.");
        }
        var lines = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            lines.Add(reader.TokenType == JsonTokenType.String
                ? reader.GetString()!
                : throw new JsonException("Every line of 'text' must be a string."));
        }
        return FlowText.OfLines(lines);
    }

    public override void Write(Utf8JsonWriter writer, FlowText value, JsonSerializerOptions options)
    {
        if (value.Lines is null)
        {
            writer.WriteStringValue(value.Value);
            return;
        }
        writer.WriteStartArray();
        foreach (var line in value.Lines)
        {
            writer.WriteStringValue(line);
        }
        writer.WriteEndArray();
    }
}
