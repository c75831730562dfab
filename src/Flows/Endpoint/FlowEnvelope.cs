using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Backend.Flows.Endpoint;

/// <summary>
/// The body Meta posts to the data endpoint: <c>{"encrypted_flow_data","encrypted_aes_key","initial_vector"}</c>,
/// each standard base64. Parsing is strict: all three fields, once each, as valid base64 of plausible size.
/// </summary>
/// <param name="EncryptedFlowData">AES-GCM ciphertext followed by its 16-byte tag.</param>
/// <param name="EncryptedAesKey">The AES-128 key, RSA-OAEP encrypted to the business public key.</param>
/// <param name="InitialVector">The 16-byte GCM IV.</param>
public sealed record FlowEnvelope(byte[] EncryptedFlowData, byte[] EncryptedAesKey, byte[] InitialVector)
{
    /// <summary>Length of the GCM IV Meta uses (not the usual 12).</summary>
    public const int IvLength = 16;

    /// <summary>Length of the GCM authentication tag at the end of <c>encrypted_flow_data</c>.</summary>
    public const int TagLength = 16;

    private static ReadOnlySpan<byte> FlowDataName => "encrypted_flow_data"u8;
    private static ReadOnlySpan<byte> AesKeyName => "encrypted_aes_key"u8;
    private static ReadOnlySpan<byte> IvName => "initial_vector"u8;

    /// <summary>Parses the raw request body.</summary>
    /// <exception cref="FlowRequestException">With <see cref="FlowRequestError.MalformedEnvelope"/>.</exception>
    public static FlowEnvelope Parse(ReadOnlySpan<byte> utf8Json)
    {
        // The reader checks UTF-8 only in the values it transcodes: a bad byte elsewhere would surface later as another
        // exception type. One vectorized pass first.
        if (!Utf8.IsValid(utf8Json))
        {
            throw Malformed("the body is not UTF-8");
        }
        byte[]? flowData = null, aesKey = null, iv = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed("the body must be a JSON object");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(FlowDataName))
                {
                    flowData = ReadBase64(ref reader, "encrypted_flow_data", flowData);
                }
                else if (reader.ValueTextEquals(AesKeyName))
                {
                    aesKey = ReadBase64(ref reader, "encrypted_aes_key", aesKey);
                }
                else if (reader.ValueTextEquals(IvName))
                {
                    iv = ReadBase64(ref reader, "initial_vector", iv);
                }
                else
                {
                    // Unknown fields are tolerated (forward compatibility) but never interpreted.
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.Read())
            {
                throw Malformed("unexpected content after the JSON object");
            }
        }
        catch (JsonException ex)
        {
            throw new FlowRequestException(FlowRequestError.MalformedEnvelope, "Malformed envelope: the body is not valid JSON.", ex);
        }

        if (flowData is null || aesKey is null || iv is null)
        {
            var missing = string.Join(", ", new[]
            {
                flowData is null ? "encrypted_flow_data" : null,
                aesKey is null ? "encrypted_aes_key" : null,
                iv is null ? "initial_vector" : null,
            }.OfType<string>());
            throw Malformed($"missing field(s): {missing}");
        }
        if (iv.Length != IvLength)
        {
            throw Malformed($"initial_vector must be {IvLength} bytes, got {iv.Length}");
        }
        if (flowData.Length < TagLength)
        {
            throw Malformed($"encrypted_flow_data must hold at least the {TagLength}-byte tag, got {flowData.Length} bytes");
        }
        if (aesKey.Length is < 128 or > 1024)
        {
            throw Malformed($"encrypted_aes_key must be one RSA block (128 to 1024 bytes), got {aesKey.Length}");
        }
        return new FlowEnvelope(flowData, aesKey, iv);
    }

    private static byte[] ReadBase64(ref Utf8JsonReader reader, string name, byte[]? previous)
    {
        if (previous is not null)
        {
            throw Malformed($"{name} appears twice");
        }
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            throw Malformed($"{name} must be a string");
        }
        // CopyString unescapes (Meta's samples escape '/' as '\/'); then decode in place.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var buffer = new byte[length];
        var written = reader.CopyString(buffer);
        var status = Base64.DecodeFromUtf8InPlace(buffer.AsSpan(0, written), out var decoded);
        if (status != System.Buffers.OperationStatus.Done || decoded == 0)
        {
            throw Malformed($"{name} is not valid base64");
        }
        return buffer.AsSpan(0, decoded).ToArray();
    }

    private static FlowRequestException Malformed(string detail) =>
        new(FlowRequestError.MalformedEnvelope, $"Malformed envelope: {detail}.");
}
