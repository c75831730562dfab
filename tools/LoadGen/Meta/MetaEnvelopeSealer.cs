using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Backend.LoadGen.Meta;

/// <summary>
/// Meta's side of the endpoint crypto, for one caller at a time: a fresh AES-128 key and 16-byte IV per request,
/// the key wrapped with RSA-OAEP-SHA256 to the business public key, the payload sealed with AES-128-GCM
/// (BouncyCastle, because .NET's <see cref="AesGcm"/> refuses 16-byte IVs), the answer opened under the
/// bit-inverted IV. Buffers are reused from request to request; an instance is not thread-safe.
/// </summary>
internal sealed class MetaEnvelopeSealer : IDisposable
{
    private const int KeyLength = 16;
    private const int IvLength = 16;
    private const int TagBits = 128;

    private static readonly byte[] s_flowDataPrefix = Encoding.UTF8.GetBytes("{\"encrypted_flow_data\":\"");
    private static readonly byte[] s_aesKeyPrefix = Encoding.UTF8.GetBytes("\",\"encrypted_aes_key\":\"");
    private static readonly byte[] s_ivPrefix = Encoding.UTF8.GetBytes("\",\"initial_vector\":\"");
    private static readonly byte[] s_suffix = Encoding.UTF8.GetBytes("\"}");

    private readonly RSA _rsa;
    private readonly GcmBlockCipher _gcm = new(new AesEngine());
    private readonly byte[] _wrappedKey;
    private byte[] _aesKey = new byte[KeyLength];
    private byte[] _iv = new byte[IvLength];
    private byte[] _sealed = new byte[1024];
    private byte[] _body = new byte[2048];
    private byte[] _answer = new byte[1024];
    private byte[] _plaintext = new byte[1024];

    /// <summary>Creates a sealer for the business public key in <paramref name="publicKeyPem"/>.</summary>
    public MetaEnvelopeSealer(string publicKeyPem)
    {
        _rsa = RSA.Create();
        _rsa.ImportFromPem(publicKeyPem);
        _wrappedKey = new byte[_rsa.KeySize / 8];
    }

    /// <summary>Seals <paramref name="plaintext"/> with fresh key material; the returned body is valid until the next call.</summary>
    public ReadOnlyMemory<byte> Seal(ReadOnlySpan<byte> plaintext)
    {
        // New arrays for the key and IV: BouncyCastle keeps references to what it is given.
        _aesKey = new byte[KeyLength];
        _iv = new byte[IvLength];
        RandomNumberGenerator.Fill(_aesKey);
        RandomNumberGenerator.Fill(_iv);
        if (!_rsa.TryEncrypt(_aesKey, _wrappedKey, RSAEncryptionPadding.OaepSHA256, out var wrapped) || wrapped != _wrappedKey.Length)
        {
            throw new CryptographicException("RSA-OAEP-SHA256 wrapping of the AES key failed.");
        }

        var input = Rent(ref _plaintext, plaintext.Length);
        plaintext.CopyTo(input);
        _gcm.Init(true, new AeadParameters(new KeyParameter(_aesKey), TagBits, _iv));
        var output = Rent(ref _sealed, _gcm.GetOutputSize(plaintext.Length));
        var length = _gcm.ProcessBytes(input, 0, plaintext.Length, output, 0);
        length += _gcm.DoFinal(output, length);

        var bodyLength = s_flowDataPrefix.Length + Base64.GetMaxEncodedToUtf8Length(length) + s_aesKeyPrefix.Length
            + Base64.GetMaxEncodedToUtf8Length(_wrappedKey.Length) + s_ivPrefix.Length + Base64.GetMaxEncodedToUtf8Length(IvLength) + s_suffix.Length;
        var body = Rent(ref _body, bodyLength);
        var at = Append(body, 0, s_flowDataPrefix);
        at = AppendBase64(body, at, output.AsSpan(0, length));
        at = Append(body, at, s_aesKeyPrefix);
        at = AppendBase64(body, at, _wrappedKey);
        at = Append(body, at, s_ivPrefix);
        at = AppendBase64(body, at, _iv);
        at = Append(body, at, s_suffix);
        return body.AsMemory(0, at);
    }

    /// <summary>
    /// Opens a 200 answer to the last sealed request: base64 of AES-GCM under the same key and the inverted IV.
    /// Returns <see langword="false"/> when it is not base64 or does not authenticate.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> base64Answer, out ReadOnlySpan<byte> plaintext)
    {
        plaintext = default;
        var trimmed = base64Answer.Trim("\r\n \t"u8);
        var answer = Rent(ref _answer, Base64.GetMaxDecodedFromUtf8Length(trimmed.Length));
        if (Base64.DecodeFromUtf8(trimmed, answer, out _, out var length) != System.Buffers.OperationStatus.Done || length < TagBits / 8)
        {
            return false;
        }
        var inverted = new byte[IvLength];
        for (var i = 0; i < IvLength; i++)
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
