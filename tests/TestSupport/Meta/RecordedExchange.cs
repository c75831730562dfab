using System.Text.Json.Nodes;

namespace Backend.TestSupport.Meta;

/// <summary>An exchange recorded against Meta's reference endpoint (<c>tests/TestData/vectors/meta-node</c>).</summary>
public sealed record RecordedExchange(
    string Name,
    string RequestPlaintext,
    byte[] AesKey,
    byte[] Iv,
    string EncryptedFlowData,
    string EncryptedAesKey,
    string InitialVector,
    int Status,
    string RawResponseBody,
    string DecryptedResponse)
{
    /// <summary>The folder of the recorded exchanges and their test key.</summary>
    public static string Folder => TestData.Path("vectors", "meta-node");

    /// <summary>The test key of Meta's reference endpoint (legacy encrypted PEM).</summary>
    public static string PrivateKeyPem => File.ReadAllText(Path.Combine(Folder, "private.pem"));

    /// <summary>The passphrase of <see cref="PrivateKeyPem"/>.</summary>
    public static string Passphrase => File.ReadAllText(Path.Combine(Folder, "passphrase.txt")).Trim();

    /// <summary>The public half of <see cref="PrivateKeyPem"/>.</summary>
    public static string PublicKeyPem => File.ReadAllText(Path.Combine(Folder, "public.pem"));

    /// <summary>Every recorded exchange, by file name (01 … 04).</summary>
    public static IReadOnlyList<RecordedExchange> All() =>
        [.. Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal).Select(Load)];

    /// <summary>The request body exactly as recorded.</summary>
    public string EnvelopeJson => new JsonObject
    {
        ["encrypted_flow_data"] = EncryptedFlowData,
        ["encrypted_aes_key"] = EncryptedAesKey,
        ["initial_vector"] = InitialVector,
    }.ToJsonString();

    private static RecordedExchange Load(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var envelope = json["request_envelope"]!;
        return new RecordedExchange(
            Path.GetFileNameWithoutExtension(path),
            (string)json["request_plaintext"]!,
            Convert.FromHexString((string)json["aes_key_hex"]!),
            Convert.FromHexString((string)json["iv_hex"]!),
            (string)envelope["encrypted_flow_data"]!,
            (string)envelope["encrypted_aes_key"]!,
            (string)envelope["initial_vector"]!,
            (int)json["status"]!,
            (string)json["raw_response_body"]!,
            (string)json["decrypted_response"]!);
    }
}
