using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backend.Flows.Json;

/// <summary>
/// Parses JSON that the product will store, compare or echo, and refuses what System.Text.Json lets through but
/// nothing downstream can hold: duplicate property names (which one counts?), invalid UTF-8, lone UTF-16
/// surrogates (<c>"\ud800"</c>) and NUL characters (PostgreSQL refuses both in text and jsonb). Every refusal is
/// a <see cref="JsonException"/> whose message names the problem, never the value.
/// </summary>
public static class StrictJson
{
    /// <summary>The deepest nesting accepted unless a caller says otherwise.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The longest string (name or value, in UTF-16 characters) accepted unless a caller says otherwise.</summary>
    public const int DefaultMaxStringLength = 1024 * 1024;

    /// <summary>Parses <paramref name="utf8Json"/>.</summary>
    /// <exception cref="JsonException">Not JSON, too deep, or holds a duplicate name, invalid text, NUL or a string longer than <paramref name="maxStringLength"/>.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8Json, int maxDepth = DefaultMaxDepth, int maxStringLength = DefaultMaxStringLength)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8Json, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
            EnsureText(node, maxStringLength);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // Duplicate names (older runtimes), and text that cannot be transcoded: the exception's message may quote it.
            throw new JsonException("The JSON holds a duplicate property name or invalid text.");
        }
        return node;
    }

    /// <summary>
    /// Parses <paramref name="json"/> (JSON carried inside a JSON string, such as a webhook's <c>response_json</c>,
    /// whose own text was already checked: it holds no lone surrogate, so UTF-8 represents it exactly).
    /// </summary>
    /// <exception cref="JsonException">Not JSON, too deep, or holds a duplicate name, invalid text or NUL.</exception>
    public static JsonNode? Parse(string json, int maxDepth = DefaultMaxDepth, int maxStringLength = DefaultMaxStringLength) =>
        Parse(System.Text.Encoding.UTF8.GetBytes(json), maxDepth, maxStringLength);

    // Every name and string is materialized once here: invalid UTF-8 surfaces now, not when a handler reads it.
    private static void EnsureText(JsonNode? node, int maxStringLength)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    Check(name, maxStringLength);
                    EnsureText(value, maxStringLength);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    EnsureText(item, maxStringLength);
                }
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                Check(value.GetValue<string>(), maxStringLength);
                break;
        }
    }

    private static void Check(string text, int maxStringLength)
    {
        if (text.Length > maxStringLength)
        {
            throw new JsonException($"The JSON holds a string longer than {maxStringLength} characters.");
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                throw new JsonException("The JSON holds a NUL character.");
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new JsonException("The JSON holds a lone UTF-16 surrogate.");
            }
        }
    }
}
