using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.Flows.Media;
using Microsoft.Extensions.Options;

namespace Backend.Api.Simulator;

/// <summary>
/// Meta's side of a PhotoPicker or DocumentPicker upload, for the simulator: a picked file is encrypted as WhatsApp
/// puts it on its CDN (AES-256-CBC with PKCS#7 under a fresh key and IV, the first 10 bytes of HMAC-SHA256 over IV
/// and ciphertext appended, SHA-256 of the upload and of the plaintext; https://developers.facebook.com/docs/whatsapp/flows/reference/media_upload),
/// kept in this node's memory and served at an unguessable URL, and described to the endpoint with the picker
/// value Meta sends (<c>media_id</c>, <c>cdn_url</c>, <c>file_name</c>, <c>encryption_metadata</c>). An endpoint
/// downloads it the way it downloads Meta's (<see cref="FlowMediaDecryptor"/>, with <c>FlowMedia:AllowInsecureHttp</c>
/// for the simulator's plain-HTTP address).
/// </summary>
internal sealed class SimulatorMedia(IOptions<SimulatorOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _bytes;

    /// <summary>Encrypts <paramref name="plaintext"/>, keeps it, and returns the picker value naming it under <paramref name="baseUrl"/>.</summary>
    public JsonObject Add(ReadOnlySpan<byte> plaintext, string fileName, string baseUrl)
    {
        var key = RandomNumberGenerator.GetBytes(FlowMediaEncryption.KeyLength);
        var hmacKey = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(FlowMediaEncryption.IvLength);
        using var aes = Aes.Create();
        aes.Key = key;
        var ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
        byte[] signed = [.. iv, .. ciphertext];
        var mac = HMACSHA256.HashData(hmacKey, signed);
        byte[] uploaded = [.. ciphertext, .. mac.AsSpan(0, FlowMediaDecryptor.MacLength)];
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Keep(id, new Upload(uploaded, time.GetUtcNow() + options.Value.MediaLifetime));
        return new JsonObject
        {
            ["media_id"] = $"sim-{id[..12]}",
            ["cdn_url"] = $"{baseUrl}{SimulatorApi.MediaPath}/{id}",
            ["file_name"] = fileName,
            ["encryption_metadata"] = new JsonObject
            {
                ["encrypted_hash"] = Convert.ToBase64String(SHA256.HashData(uploaded)),
                ["iv"] = Convert.ToBase64String(iv),
                ["encryption_key"] = Convert.ToBase64String(key),
                ["hmac_key"] = Convert.ToBase64String(hmacKey),
                ["plaintext_hash"] = Convert.ToBase64String(SHA256.HashData(plaintext)),
            },
        };
    }

    /// <summary>The encrypted upload named <paramref name="id"/>, while it lives.</summary>
    public byte[]? Find(string id)
    {
        lock (_gate)
        {
            return _uploads.TryGetValue(id, out var upload) && upload.Expires > time.GetUtcNow() ? upload.Bytes : null;
        }
    }

    // The newest uploads are kept, within MaxMediaFiles and MaxMediaBytes in all; the oldest go first.
    private void Keep(string id, Upload upload)
    {
        var settings = options.Value;
        lock (_gate)
        {
            _uploads[id] = upload;
            _order.Enqueue(id);
            _bytes += upload.Bytes.Length;
            while (_order.Count > settings.MaxMediaFiles || _bytes > settings.MaxMediaBytes * 4L)
            {
                if (_uploads.Remove(_order.Dequeue(), out var gone))
                {
                    _bytes -= gone.Bytes.Length;
                }
            }
        }
    }

    private sealed record Upload(byte[] Bytes, DateTimeOffset Expires);
}
