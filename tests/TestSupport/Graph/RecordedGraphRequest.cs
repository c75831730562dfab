using System.Text;
using System.Text.Json.Nodes;

namespace Backend.TestSupport.Graph;

/// <summary>A request the fake Graph API received, as it arrived.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Full path, e.g. <c>/v23.0/123/flows</c>.</param>
/// <param name="Resource">Path after the version, e.g. <c>123/flows</c>.</param>
/// <param name="Query">Decoded query parameters.</param>
/// <param name="Headers">Request headers (names lower-case).</param>
/// <param name="Body">Raw body bytes.</param>
public sealed record RecordedGraphRequest(
    string Method,
    string Path,
    string Resource,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The content type header, or null.</summary>
    public string? ContentType => Headers.GetValueOrDefault("content-type");

    /// <summary>The media type without parameters, or null.</summary>
    public string? MediaType => ContentType?.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>The body parsed as JSON (null when it isn't JSON).</summary>
    public JsonNode? Json => MediaType == "application/json" ? JsonNode.Parse(BodyText) : null;

    /// <summary>The parts of a multipart body (set by the server when it parsed one).</summary>
    public IReadOnlyList<MultipartPart> Parts { get; init; } = [];

    /// <summary>Fields of a form-urlencoded body (set by the server when it parsed one).</summary>
    public IReadOnlyDictionary<string, string> Form { get; init; } = new Dictionary<string, string>();

    /// <summary><c>METHOD resource</c> with the query, for compact assertions.</summary>
    public override string ToString() =>
        Query.Count == 0 ? $"{Method} {Resource}" : $"{Method} {Resource}?{string.Join('&', Query.Select(q => $"{q.Key}={q.Value}"))}";
}

/// <summary>One part of a multipart/form-data body.</summary>
/// <param name="Name">Form field name.</param>
/// <param name="FileName">File name, for file parts.</param>
/// <param name="ContentType">The part's content type, if sent.</param>
/// <param name="Body">The part's bytes.</param>
public sealed record MultipartPart(string Name, string? FileName, string? ContentType, byte[] Body)
{
    /// <summary>The part as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>Parses a multipart body; null when it is malformed.</summary>
    public static IReadOnlyList<MultipartPart>? Parse(byte[] body, string boundary)
    {
        // Latin-1 maps bytes 1:1 to chars, so the split keeps binary content intact.
        var text = Encoding.Latin1.GetString(body);
        var delimiter = "--" + boundary;
        if (!text.StartsWith(delimiter, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<MultipartPart>();
        var chunks = text.Split(delimiter);
        // chunks[0] is the empty preamble; the last is "--\r\n" (the closing delimiter).
        if (chunks.Length < 2 || !chunks[^1].StartsWith("--", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var chunk in chunks[1..^1])
        {
            if (!chunk.StartsWith("\r\n", StringComparison.Ordinal) || !chunk.EndsWith("\r\n", StringComparison.Ordinal))
            {
                return null;
            }

            var headerEnd = chunk.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd < 0)
            {
                return null;
            }

            var headers = chunk[2..headerEnd].Split("\r\n")
                .Select(h => h.Split(':', 2))
                .Where(h => h.Length == 2)
                .ToDictionary(h => h[0].Trim().ToLowerInvariant(), h => h[1].Trim());
            var content = chunk[(headerEnd + 4)..^2];
            if (!headers.TryGetValue("content-disposition", out var disposition) || !disposition.StartsWith("form-data", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var name = DispositionParameter(disposition, "name");
            if (name is null)
            {
                return null;
            }

            parts.Add(new MultipartPart(name, DispositionParameter(disposition, "filename"), headers.GetValueOrDefault("content-type"), Encoding.Latin1.GetBytes(content)));
        }

        return parts;
    }

    private static string? DispositionParameter(string disposition, string parameter)
    {
        foreach (var piece in disposition.Split(';').Skip(1))
        {
            var kv = piece.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals(parameter, StringComparison.OrdinalIgnoreCase))
            {
                return kv[1].Trim().Trim('"');
            }
        }

        return null;
    }
}
