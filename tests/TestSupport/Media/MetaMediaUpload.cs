using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;

namespace Backend.TestSupport.Media;

/// <summary>
/// A file as WhatsApp puts it on its CDN after a PhotoPicker or DocumentPicker upload (https://developers.facebook.com/docs/whatsapp/flows/reference/media_upload):
/// AES-256-CBC with PKCS#7, then the first 10 bytes of HMAC-SHA256 over IV and ciphertext appended, with SHA-256 of
/// both the upload and the plaintext. Written with BouncyCastle, independently of the product's decryptor.
/// </summary>
public sealed record MetaMediaUpload(byte[] Plaintext, byte[] Uploaded, byte[] Key, byte[] HmacKey, byte[] Iv, byte[] EncryptedHash, byte[] PlaintextHash)
{
    /// <summary>Encrypts <paramref name="plaintext"/> with fresh keys.</summary>
    public static MetaMediaUpload Encrypt(byte[] plaintext)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var hmacKey = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);

        var aes = new PaddedBufferedBlockCipher(new CbcBlockCipher(new AesEngine()), new Pkcs7Padding());
        aes.Init(true, new ParametersWithIV(new KeyParameter(key), iv));
        var ciphertext = new byte[aes.GetOutputSize(plaintext.Length)];
        var written = aes.ProcessBytes(plaintext, 0, plaintext.Length, ciphertext, 0);
        written += aes.DoFinal(ciphertext, written);
        ciphertext = ciphertext[..written];

        var hmac = new HMac(new Sha256Digest());
        hmac.Init(new KeyParameter(hmacKey));
        hmac.BlockUpdate(iv, 0, iv.Length);
        hmac.BlockUpdate(ciphertext, 0, ciphertext.Length);
        var mac = new byte[hmac.GetMacSize()];
        hmac.DoFinal(mac, 0);

        byte[] uploaded = [.. ciphertext, .. mac[..10]];
        return new MetaMediaUpload(plaintext, uploaded, key, hmacKey, iv, Sha256(uploaded), Sha256(plaintext));
    }

    /// <summary>
    /// An upload whose ciphertext is <paramref name="blocks"/> (whole AES blocks) encrypted WITHOUT padding, with a
    /// valid MAC and hashes: it decrypts, but its last block holds no valid PKCS#7 padding when it ends in 0x00.
    /// </summary>
    public static MetaMediaUpload EncryptUnpadded(byte[] blocks)
    {
        var upload = Encrypt([]);
        var aes = new CbcBlockCipher(new AesEngine());
        aes.Init(true, new ParametersWithIV(new KeyParameter(upload.Key), upload.Iv));
        var ciphertext = new byte[blocks.Length];
        for (var offset = 0; offset < blocks.Length; offset += 16)
        {
            aes.ProcessBlock(blocks, offset, ciphertext, offset);
        }
        var hmac = new HMac(new Sha256Digest());
        hmac.Init(new KeyParameter(upload.HmacKey));
        hmac.BlockUpdate(upload.Iv, 0, upload.Iv.Length);
        hmac.BlockUpdate(ciphertext, 0, ciphertext.Length);
        var mac = new byte[hmac.GetMacSize()];
        hmac.DoFinal(mac, 0);
        byte[] uploaded = [.. ciphertext, .. mac[..10]];
        return upload with { Plaintext = blocks, Uploaded = uploaded, EncryptedHash = Sha256(uploaded), PlaintextHash = Sha256(blocks) };
    }

    /// <summary>One element of a picker's value, as the data_exchange payload or response_json carries it.</summary>
    public JsonObject PickerValue(Uri cdnUrl, string mediaId, string fileName) => new()
    {
        ["media_id"] = mediaId,
        ["cdn_url"] = cdnUrl.AbsoluteUri,
        ["file_name"] = fileName,
        ["encryption_metadata"] = new JsonObject
        {
            ["encrypted_hash"] = Convert.ToBase64String(EncryptedHash),
            ["iv"] = Convert.ToBase64String(Iv),
            ["encryption_key"] = Convert.ToBase64String(Key),
            ["hmac_key"] = Convert.ToBase64String(HmacKey),
            ["plaintext_hash"] = Convert.ToBase64String(PlaintextHash),
        },
    };

    /// <summary>The same upload with its hashes recomputed over <paramref name="uploaded"/> (a file whose MAC or ciphertext was forged consistently).</summary>
    public MetaMediaUpload WithUploaded(byte[] uploaded) => this with { Uploaded = uploaded, EncryptedHash = Sha256(uploaded) };

    /// <summary>SHA-256 with BouncyCastle.</summary>
    public static byte[] Sha256(byte[] data)
    {
        var digest = new Sha256Digest();
        digest.BlockUpdate(data, 0, data.Length);
        var hash = new byte[digest.GetDigestSize()];
        digest.DoFinal(hash, 0);
        return hash;
    }
}
