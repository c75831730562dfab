using System.Text.Json.Nodes;
using Backend.Flows.Routing;
using Backend.Flows.Webhooks;

namespace Backend.Flows.Media;

/// <summary>
/// One file a user picked with a PhotoPicker or DocumentPicker, as Meta sends it in a <c>data_exchange</c> payload
/// or a completion's <c>response_json</c> (https://developers.facebook.com/docs/whatsapp/flows/reference/media_upload). The file itself is on WhatsApp's CDN, encrypted;
/// <see cref="FlowMediaDecryptor"/> downloads, verifies and decrypts it. <see cref="ToString"/> never shows the
/// URL or the keys.
/// </summary>
/// <param name="MediaId">Meta's id of the upload.</param>
/// <param name="CdnUrl">Where the encrypted file is (for about 20 days). Its query string is a credential: never log it.</param>
/// <param name="FileName">The file's name as the user's phone gave it.</param>
/// <param name="Encryption">The keys and hashes that open and check the file.</param>
public sealed record FlowMediaFile(string MediaId, Uri CdnUrl, string FileName, FlowMediaEncryption Encryption)
{
    /// <summary>The id and name only.</summary>
    public override string ToString() => $"FlowMediaFile {{ MediaId = {MediaId}, FileName = {FileName} }}";

    /// <summary>
    /// Reads the files of picker field <paramref name="field"/> of <paramref name="data"/> (a request's data or a
    /// completion's response). An absent or <see langword="null"/> field is no files.
    /// </summary>
    /// <exception cref="FlowMediaException">With <see cref="FlowMediaFailure.InvalidMetadata"/>: the value is not an array of file objects as Meta sends them.</exception>
    public static IReadOnlyList<FlowMediaFile> Read(JsonObject data, string field)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(field);
        return data[field] switch
        {
            null => [],
            JsonArray files => [.. files.Select((file, index) => ReadOne(file, $"{field}[{index}]"))],
            _ => throw Invalid(field, "must be an array of files"),
        };
    }

    private static FlowMediaFile ReadOne(JsonNode? node, string path)
    {
        if (node is not JsonObject file)
        {
            throw Invalid(path, "must be an object");
        }
        var mediaId = RequiredText(file, "media_id", path);
        var url = RequiredText(file, "cdn_url", path);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var cdnUrl) || (cdnUrl.Scheme != Uri.UriSchemeHttps && cdnUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw Invalid($"{path}.cdn_url", "must be an absolute http(s) URL");
        }
        var fileName = OptionalText(file, "file_name", path) ?? "";
        if (file["encryption_metadata"] is not JsonObject metadata)
        {
            throw Invalid($"{path}.encryption_metadata", "is required and must be an object");
        }
        var meta = $"{path}.encryption_metadata";
        var encryption = new FlowMediaEncryption(
            EncryptedHash: Base64(metadata, "encrypted_hash", meta, FlowMediaEncryption.HashLength),
            Iv: Base64(metadata, "iv", meta, FlowMediaEncryption.IvLength),
            EncryptionKey: Base64(metadata, "encryption_key", meta, FlowMediaEncryption.KeyLength),
            HmacKey: Base64(metadata, "hmac_key", meta, expectedLength: null),
            PlaintextHash: Base64(metadata, "plaintext_hash", meta, FlowMediaEncryption.HashLength));
        return new FlowMediaFile(mediaId, cdnUrl, fileName, encryption);
    }

    private static string RequiredText(JsonObject obj, string name, string path) =>
        OptionalText(obj, name, path) is { Length: > 0 } text ? text : throw Invalid($"{path}.{name}", "is required");

    private static string? OptionalText(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw Invalid($"{path}.{name}", "must be a string"),
    };

    private static byte[] Base64(JsonObject obj, string name, string path, int? expectedLength)
    {
        var text = RequiredText(obj, name, path);
        var bytes = new byte[(text.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(text, bytes, out var written))
        {
            throw Invalid($"{path}.{name}", "must be standard base64");
        }
        if (written == 0 || (expectedLength is { } length && written != length))
        {
            throw Invalid($"{path}.{name}", expectedLength is { } l ? $"must decode to {l} bytes" : "must not be empty");
        }
        return bytes[..written];
    }

    private static FlowMediaException Invalid(string path, string problem) =>
        new(FlowMediaFailure.InvalidMetadata, $"Invalid media value: '{path}' {problem}.");
}

/// <summary>
/// The <c>encryption_metadata</c> of an uploaded file, decoded from base64. <see cref="ToString"/> shows no key.
/// </summary>
/// <param name="EncryptedHash">SHA-256 of the whole downloaded file (ciphertext and MAC).</param>
/// <param name="Iv">The AES-CBC IV (16 bytes).</param>
/// <param name="EncryptionKey">The AES-256 key (32 bytes).</param>
/// <param name="HmacKey">The HMAC-SHA256 key.</param>
/// <param name="PlaintextHash">SHA-256 of the decrypted file.</param>
public sealed record FlowMediaEncryption(byte[] EncryptedHash, byte[] Iv, byte[] EncryptionKey, byte[] HmacKey, byte[] PlaintextHash)
{
    /// <summary>Length of both hashes (SHA-256).</summary>
    public const int HashLength = 32;

    /// <summary>Length of the IV (one AES block).</summary>
    public const int IvLength = 16;

    /// <summary>Length of the AES-256 key.</summary>
    public const int KeyLength = 32;

    /// <summary>Nothing secret.</summary>
    public override string ToString() => "FlowMediaEncryption { (keys hidden) }";
}

/// <summary>Reads picker values where handlers and webhook sinks meet them.</summary>
public static class FlowMediaValues
{
    /// <summary>The files a handler's request carries in picker field <paramref name="field"/>.</summary>
    /// <exception cref="FlowMediaException">With <see cref="FlowMediaFailure.InvalidMetadata"/>.</exception>
    public static IReadOnlyList<FlowMediaFile> MediaFiles(this FlowRequestContext context, string field)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FlowMediaFile.Read(context.Data, field);
    }

    /// <summary>The files a completion's <c>response_json</c> carries in picker field <paramref name="field"/>.</summary>
    /// <exception cref="FlowMediaException">With <see cref="FlowMediaFailure.InvalidMetadata"/>.</exception>
    public static IReadOnlyList<FlowMediaFile> MediaFiles(this FlowCompletion completion, string field)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return FlowMediaFile.Read(completion.Response, field);
    }
}
