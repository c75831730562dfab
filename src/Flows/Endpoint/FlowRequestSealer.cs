using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Backend.Flows.Endpoint;

/// <summary>
/// Meta's side of the data endpoint's crypto, for clients that play Meta: tests, the load generator, a local
/// simulator. Each request gets a fresh AES-128 key and 16-byte IV (or given ones), the key wrapped with
/// RSA-OAEP-SHA256 to the business public key, the payload sealed with AES-128-GCM, and the body written as the
/// envelope Meta posts (<c>encrypted_flow_data</c>, <c>encrypted_aes_key</c>, <c>initial_vector</c>); a 200 answer
/// is opened with the same key under the bit-inverted IV. See
/// https://developers.facebook.com/docs/whatsapp/flows/guides/implementingyourflowendpoint. The product's own
/// side is <see cref="FlowCipher"/>; the two meet on Meta's recorded exchanges in the tests.
/// </summary>
/// <remarks>
/// Buffers are reused from one request to the next, so an instance serves one caller at a time, and what
/// <see cref="Seal(ReadOnlySpan{byte})"/> returns is valid until the next call.
/// </remarks>
public sealed class FlowRequestSealer : IDisposable
{
    /// <summary>The length of the AES key and of the IV Meta uses.</summary>
    public const int KeyLength = 16;

    private const int TagBits = FlowEnvelope.TagLength * 8;

    private static readonly byte[] s_flowDataPrefix = Encoding.UTF8.GetBytes("{\"encrypted_flow_data\":\"");
    private static readonly byte[] s_aesKeyPrefix = Encoding.UTF8.GetBytes("\",\"encrypted_aes_key\":\"");
    private static readonly byte[] s_ivPrefix = Encoding.UTF8.GetBytes("\",\"initial_vector\":\"");
    private static readonly byte[] s_suffix = Encoding.UTF8.GetBytes("\"}");

    private readonly RSA _rsa;
    private readonly GcmBlockCipher _gcm = new(new AesEngine());
    private readonly byte[] _wrappedKey;
    private byte[] _aesKey = new byte[KeyLength];
    private byte[] _iv = new byte[KeyLength];
    private byte[] _sealed = new byte[1024];
    private int _sealedLength;
    private byte[] _body = new byte[2048];
    private byte[] _answer = new byte[1024];
    private byte[] _plaintext = new byte[1024];

    /// <summary>A sealer for the business public key in <paramref name="publicKeyPem"/> (SubjectPublicKeyInfo PEM).</summary>
    public FlowRequestSealer(string publicKeyPem)
    {
        _rsa = RSA.Create();
        _rsa.ImportFromPem(publicKeyPem);
        _wrappedKey = new byte[_rsa.KeySize / 8];
    }

    /// <summary>A sealer for the public half of <paramref name="businessKey"/> (the caller keeps the key).</summary>
    public FlowRequestSealer(RSA businessKey)
        : this(businessKey?.ExportSubjectPublicKeyInfoPem() ?? throw new ArgumentNullException(nameof(businessKey)))
    {
    }

    /// <summary>The AES key of the last sealed request.</summary>
    public ReadOnlySpan<byte> AesKey => _aesKey;

    /// <summary>The IV of the last sealed request.</summary>
    public ReadOnlySpan<byte> Iv => _iv;

    /// <summary>The last request's AES key wrapped to the business key (<c>encrypted_aes_key</c>, decoded).</summary>
    public ReadOnlySpan<byte> EncryptedAesKey => _wrappedKey;

    /// <summary>The last request's sealed payload, ciphertext then tag (<c>encrypted_flow_data</c>, decoded).</summary>
    public ReadOnlySpan<byte> EncryptedFlowData => _sealed.AsSpan(0, _sealedLength);

    /// <summary>Seals <paramref name="plaintext"/> with fresh key material and returns the envelope's JSON bytes.</summary>
    public ReadOnlyMemory<byte> Seal(ReadOnlySpan<byte> plaintext)
    {
        Span<byte> key = stackalloc byte[KeyLength];
        Span<byte> iv = stackalloc byte[KeyLength];
        RandomNumberGenerator.Fill(key);
        RandomNumberGenerator.Fill(iv);
        return Seal(plaintext, key, iv);
    }

    /// <summary>Seals <paramref name="plaintext"/> with the given key and IV (recorded vectors, tampering tests).</summary>
    public ReadOnlyMemory<byte> Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aesKey, ReadOnlySpan<byte> iv)
    {
        if (aesKey.Length != KeyLength || iv.Length != KeyLength)
        {
            throw new ArgumentException($"The AES key and the IV are {KeyLength} bytes each.");
        }
        // New arrays: BouncyCastle keeps references to what it is given.
        _aesKey = aesKey.ToArray();
        _iv = iv.ToArray();
        if (!_rsa.TryEncrypt(_aesKey, _wrappedKey, RSAEncryptionPadding.OaepSHA256, out var wrapped) || wrapped != _wrappedKey.Length)
        {
            throw new CryptographicException("RSA-OAEP-SHA256 wrapping of the AES key failed.");
        }

        var input = Rent(ref _plaintext, plaintext.Length);
        plaintext.CopyTo(input);
        _gcm.Init(true, new AeadParameters(new KeyParameter(_aesKey), TagBits, _iv));
        var output = Rent(ref _sealed, _gcm.GetOutputSize(plaintext.Length));
        _sealedLength = _gcm.ProcessBytes(input, 0, plaintext.Length, output, 0);
        _sealedLength += _gcm.DoFinal(output, _sealedLength);

        var bodyLength = s_flowDataPrefix.Length + Base64.GetMaxEncodedToUtf8Length(_sealedLength) + s_aesKeyPrefix.Length
            + Base64.GetMaxEncodedToUtf8Length(_wrappedKey.Length) + s_ivPrefix.Length + Base64.GetMaxEncodedToUtf8Length(KeyLength) + s_suffix.Length;
        var body = Rent(ref _body, bodyLength);
        var at = Append(body, 0, s_flowDataPrefix);
        at = AppendBase64(body, at, output.AsSpan(0, _sealedLength));
        at = Append(body, at, s_aesKeyPrefix);
        at = AppendBase64(body, at, _wrappedKey);
        at = Append(body, at, s_ivPrefix);
        at = AppendBase64(body, at, _iv);
        at = Append(body, at, s_suffix);
        return body.AsMemory(0, at);
    }

    /// <summary>
    /// Opens a 200 answer to the last sealed request: base64 of AES-GCM under the same key and the inverted IV.
    /// Returns <see langword="false"/> when it is not base64 or does not authenticate; the plaintext is valid until
    /// the next call.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> base64Answer, out ReadOnlySpan<byte> plaintext)
    {
        plaintext = default;
        var trimmed = base64Answer.Trim("\r\n \t"u8);
        var answer = Rent(ref _answer, Base64.GetMaxDecodedFromUtf8Length(trimmed.Length));
        if (Base64.DecodeFromUtf8(trimmed, answer, out _, out var length) != OperationStatus.Done || length < TagBits / 8)
        {
            return false;
        }
        var inverted = new byte[KeyLength];
        for (var i = 0; i < KeyLength; i++)
        {
            inverted[i] = (byte)~_iv[i];
        }
        _gcm.Init(false, new AeadParameters(new KeyParameter(_aesKey), TagBits, inverted));
        var output = Rent(ref _plaintext, _gcm.GetOutputSize(length));
        try
        {
            var written = _gcm.ProcessBytes(answer, 0, length, output, 0);
            written += _gcm.DoFinal(output, written);
            plaintext = output.AsSpan(0, written);
            return true;
        }
        catch (InvalidCipherTextException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _rsa.Dispose();

    private static byte[] Rent(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
        return buffer;
    }

    private static int Append(byte[] target, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(target.AsSpan(at));
        return at + bytes.Length;
    }

    private static int AppendBase64(byte[] target, int at, ReadOnlySpan<byte> bytes)
    {
        Base64.EncodeToUtf8(bytes, target.AsSpan(at), out _, out var written);
        return at + written;
    }
}
