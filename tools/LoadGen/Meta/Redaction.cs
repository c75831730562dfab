using System.Text.Json.Nodes;

namespace Backend.LoadGen.Meta;

/// <summary>Masks passwords in answers before they are printed: the tool never shows one.</summary>
internal static class Redaction
{
    private const string Mask = "***";

    /// <summary>
    /// The JSON text of <paramref name="node"/> with every non-empty string under a key containing "password", and
    /// every string equal to <paramref name="secret"/>, replaced by <c>***</c>.
    /// </summary>
    public static string Redact(JsonNode node, string? secret)
    {
        var copy = node.DeepClone();
        Walk(copy, secret);
        return copy.ToJsonString();
    }

    private static void Walk(JsonNode? node, string? secret)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is JsonValue text && text.TryGetValue<string>(out var s)
                        && ((key.Contains("password", StringComparison.OrdinalIgnoreCase) && s.Length > 0) || (secret is not null && s == secret)))
                    {
                        obj[key] = Mask;
                    }
                    else
                    {
                        Walk(value, secret);
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue text && secret is not null && text.TryGetValue<string>(out var s) && s == secret)
                    {
                        array[i] = Mask;
                    }
                    else
                    {
                        Walk(array[i], secret);
                    }
                }
                break;
        }
    }
}
