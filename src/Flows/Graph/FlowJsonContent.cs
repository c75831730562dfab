using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Backend.Flows.Graph;

/// <summary>
/// A Flow JSON document ready to upload as the <c>flow.json</c> asset, held as UTF-8 bytes so an
/// upload can be retried. Build it from a string, a file, a stream, a <see cref="JsonNode"/> or any
/// serializable object (such as the Flow JSON builder's model).
/// </summary>
public sealed class FlowJsonContent
{
    /// <summary>Meta's limit for the asset: 10 MB.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    private FlowJsonContent(byte[] utf8) =>
        Utf8 = utf8.Length <= MaxBytes
            ? utf8
            : throw new ArgumentException($"Flow JSON is {utf8.Length} bytes; Meta accepts at most {MaxBytes}.", nameof(utf8));

    /// <summary>The document's UTF-8 bytes.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The document as text.</summary>
    public string Text => Encoding.UTF8.GetString(Utf8.Span);

    /// <summary>Wraps JSON text (not a path: see <see cref="FromFileAsync"/>).</summary>
    public static FlowJsonContent FromString(string json) => new(Encoding.UTF8.GetBytes(json));

    /// <summary>Reads a JSON file.</summary>
    public static async Task<FlowJsonContent> FromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxBytes)
        {
            throw new ArgumentException($"{path} is {info.Length} bytes; Meta accepts at most {MaxBytes}.", nameof(path));
        }

        return new(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads a stream to its end (the stream is not disposed).</summary>
    public static async Task<FlowJsonContent> FromStreamAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new ArgumentException($"Flow JSON exceeds {MaxBytes} bytes.", nameof(stream));
            }

            buffer.Write(chunk, 0, read);
        }

        return new(buffer.ToArray());
    }

    /// <summary>Serializes a JSON node.</summary>
    public static FlowJsonContent FromNode(JsonNode node) =>
        new(Encoding.UTF8.GetBytes(node.ToJsonString(Indented)));

    /// <summary>Serializes a model with its source-generated type info.</summary>
    public static FlowJsonContent FromModel<T>(T model, JsonTypeInfo<T> typeInfo) =>
        new(JsonSerializer.SerializeToUtf8Bytes(model, typeInfo));

    /// <summary>Serializes a model with the given options (reflection-based).</summary>
    public static FlowJsonContent FromModel(object model, JsonSerializerOptions? options = null) =>
        new(JsonSerializer.SerializeToUtf8Bytes(model, model.GetType(), options ?? Indented));

    /// <summary>True when the bytes parse as a JSON object; the error says where they don't.</summary>
    public bool TryParse(out JsonObject? document, out string? error)
    {
        try
        {
            document = JsonNode.Parse(Utf8.Span) as JsonObject;
            error = document is null ? "Flow JSON must be a JSON object." : null;
        }
        catch (JsonException e)
        {
            document = null;
            error = e.LineNumber is { } line ? $"line {line + 1}, column {e.BytePositionInLine + 1}: {e.Message}" : e.Message;
        }

        return error is null;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
