using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;

namespace Backend.TestSupport.Meta;

/// <summary>
/// Plays Meta's side of the data endpoint: a fresh AES-128 key and 16-byte IV per request, the key wrapped with
/// RSA-OAEP-SHA256 to the business public key, the payload sealed with AES-GCM, the body optionally signed with
/// the app secret; and the answer opened with the inverted IV. The sealing is <see cref="FlowRequestSealer"/>, Meta's
/// side as the load generator plays it too; it and the product's side are each checked against Meta's recorded
/// exchanges (<c>RecordedExchangeTests</c>), so the tests still check the product against the protocol, not itself.
/// </summary>
public sealed class MetaFlowClient(HttpClient http, RSA businessPublicKey, string? appSecret = null)
{
    /// <summary>Builds a request for <paramref name="plaintextJson"/> with fresh key material.</summary>
    public MetaRequest Seal(string plaintextJson)
    {
        var aesKey = RandomNumberGenerator.GetBytes(16);
        var iv = RandomNumberGenerator.GetBytes(16);
        return Seal(plaintextJson, aesKey, iv);
    }

    /// <summary>Builds a request for raw plaintext bytes (for payloads that are not valid UTF-8).</summary>
    public MetaRequest Seal(byte[] plaintext) => Seal(plaintext, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(16));

    /// <summary>Builds a request with the given key material (for recorded vectors and tampering).</summary>
    public MetaRequest Seal(string plaintextJson, byte[] aesKey, byte[] iv) => Seal(Encoding.UTF8.GetBytes(plaintextJson), aesKey, iv);

    private MetaRequest Seal(byte[] plaintext, byte[] aesKey, byte[] iv)
    {
        using var sealer = new FlowRequestSealer(businessPublicKey);
        sealer.Seal(plaintext, aesKey, iv);
        return new MetaRequest(aesKey, iv, sealer.EncryptedFlowData.ToArray(), sealer.EncryptedAesKey.ToArray());
    }

    /// <summary>Posts a request and returns the raw HTTP answer.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, MetaRequest request, string? signatureOverride = null, bool sign = true)
    {
        var body = Encoding.UTF8.GetBytes(request.EnvelopeJson());
        return await PostRawAsync(path, body, signatureOverride, sign);
    }

    /// <summary>Posts arbitrary bytes as the body, signed like Meta would sign them (unless told otherwise).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string path, byte[] body, string? signatureOverride = null, bool sign = true)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        var signature = signatureOverride ?? (sign && appSecret is not null ? Sign(body, appSecret) : null);
        if (signature is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        }
        return await http.SendAsync(message);
    }

    /// <summary>Sends <paramref name="plaintextJson"/> and decrypts the 200 answer; fails on any other status.</summary>
    public async Task<JsonObject> ExchangeAsync(string path, string plaintextJson)
    {
        var request = Seal(plaintextJson);
        using var response = await PostAsync(path, request);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 200)
        {
            throw new HttpRequestException($"Expected 200, got {(int)response.StatusCode}: {body}");
        }
        return (JsonObject)JsonNode.Parse(request.OpenResponse(body))!;
    }

    /// <summary>Sends a JSON object as the payload.</summary>
    public Task<JsonObject> ExchangeAsync(string path, object payload) =>
        ExchangeAsync(path, JsonSerializer.Serialize(payload));

    /// <summary>Meta's signature header for a body.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>One sealed request: the envelope's parts and the key material to open the answer.</summary>
public sealed record MetaRequest(byte[] AesKey, byte[] Iv, byte[] EncryptedFlowData, byte[] EncryptedAesKey)
{
    /// <summary>The JSON body, with base64 fields as Meta sends them.</summary>
    public string EnvelopeJson() => new JsonObject
    {
        ["encrypted_flow_data"] = Convert.ToBase64String(EncryptedFlowData),
        ["encrypted_aes_key"] = Convert.ToBase64String(EncryptedAesKey),
        ["initial_vector"] = Convert.ToBase64String(Iv),
    }.ToJsonString();

    /// <summary>Opens a 200 answer: base64 of AES-GCM under the same key and the bit-inverted IV.</summary>
    public string OpenResponse(string base64Body)
    {
        var inverted = Iv.Select(b => (byte)~b).ToArray();
        return FlowAesGcm.TryDecrypt(AesKey, inverted, Convert.FromBase64String(base64Body), out var plaintext)
            ? Encoding.UTF8.GetString(plaintext)
            : throw new CryptographicException("The response does not decrypt with the request's key and inverted IV.");
    }
}
