using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;

namespace Backend.Flows.Endpoint;

/// <summary>
/// The private keys the endpoint decrypts Meta's requests with. Several keys may be loaded at once so that a
/// key can be rotated without downtime: a request is tried against each key in order and fails only when none
/// decrypts it. Keys are parsed once, at load time, never per request.
/// </summary>
/// <remarks>
/// Accepted PEM forms: PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>), PKCS#8 (<c>BEGIN PRIVATE KEY</c>), encrypted PKCS#8
/// (<c>BEGIN ENCRYPTED PRIVATE KEY</c>, what <c>openssl genrsa -des3</c> writes on OpenSSL 3) and legacy encrypted
/// PKCS#1 (<c>Proc-Type: 4,ENCRYPTED</c>, what Meta's key generator and older OpenSSL write).
/// </remarks>
public sealed class FlowKeyRing : IDisposable
{
    /// <summary>Length in bytes of the AES-128 key Meta wraps with RSA-OAEP.</summary>
    public const int AesKeyLength = 16;

    private readonly RSA[] _keys;

    /// <summary>Creates a key ring that owns the given keys (disposed with the ring).</summary>
    public FlowKeyRing(IEnumerable<RSA> keys)
    {
        _keys = [.. keys];
        if (_keys.Length == 0)
        {
            throw new ArgumentException("A key ring needs at least one private key.", nameof(keys));
        }
        foreach (var key in _keys)
        {
            if (key.KeySize < 2048)
            {
                throw new ArgumentException($"Flows keys must be RSA-2048 or larger; got {key.KeySize} bits.", nameof(keys));
            }
        }
    }

    /// <summary>The number of keys in the ring.</summary>
    public int Count => _keys.Length;

    /// <summary>The public key of the first (current) key, as a SubjectPublicKeyInfo PEM to upload to Meta.</summary>
    public string CurrentPublicKeyPem => _keys[0].ExportSubjectPublicKeyInfoPem();

    /// <summary>Loads one key from PEM text, in any of the accepted forms.</summary>
    /// <param name="pem">The PEM text.</param>
    /// <param name="passphrase">The passphrase of an encrypted key; ignored for unencrypted ones.</param>
    /// <exception cref="FlowKeyException">The text holds no private RSA key, or the passphrase is missing or wrong.</exception>
    public static RSA LoadPrivateKey(string pem, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(pem);
        try
        {
            if (pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
            {
                return LoadLegacyEncrypted(pem, RequirePassphrase(passphrase, "legacy encrypted PEM"));
            }
            var rsa = RSA.Create();
            try
            {
                if (pem.Contains("BEGIN ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
                {
                    rsa.ImportFromEncryptedPem(pem, RequirePassphrase(passphrase, "encrypted PKCS#8"));
                }
                else if (pem.Contains("BEGIN RSA PRIVATE KEY", StringComparison.Ordinal)
                    || pem.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal))
                {
                    rsa.ImportFromPem(pem);
                }
                else
                {
                    throw new FlowKeyException("No RSA private key found: expected a PEM block 'RSA PRIVATE KEY', 'PRIVATE KEY' or 'ENCRYPTED PRIVATE KEY'.");
                }
                return rsa;
            }
            catch
            {
                rsa.Dispose();
                throw;
            }
        }
        catch (CryptographicException ex)
        {
            throw new FlowKeyException(
                passphrase is null
                    ? "The private key could not be read: the PEM is damaged or not an RSA key."
                    : "The private key could not be decrypted: the passphrase is wrong or the PEM is damaged.",
                ex);
        }
        catch (ArgumentException ex)
        {
            throw new FlowKeyException("The private key could not be read: " + ex.Message, ex);
        }
    }

    /// <summary>Loads one key from a PEM file.</summary>
    /// <exception cref="FlowKeyException">The file is missing or unreadable, or its key cannot be loaded.</exception>
    public static RSA LoadPrivateKeyFile(string path, string? passphrase = null)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FlowKeyException($"The private key file '{path}' cannot be read: {ex.Message}", ex);
        }
        try
        {
            return LoadPrivateKey(pem, passphrase);
        }
        catch (FlowKeyException ex)
        {
            throw new FlowKeyException($"{ex.Message} (file '{path}')", ex.InnerException);
        }
    }

    /// <summary>
    /// Unwraps the AES key of a request: RSA-OAEP with SHA-256 (MGF1 SHA-256, empty label), tried with each key.
    /// </summary>
    /// <param name="encryptedKey">The bytes of <c>encrypted_aes_key</c>.</param>
    /// <param name="aesKey">Receives the 16-byte AES key.</param>
    /// <returns><see langword="true"/> when some key decrypted a 16-byte AES key.</returns>
    public bool TryUnwrapAesKey(ReadOnlySpan<byte> encryptedKey, Span<byte> aesKey)
    {
        // Room for any OAEP plaintext of a 4096-bit key, so an over-long key is detected rather than truncated.
        Span<byte> plain = stackalloc byte[512];
        foreach (var key in _keys)
        {
            if (encryptedKey.Length != key.KeySize / 8)
            {
                continue;
            }
            try
            {
                if (key.TryDecrypt(encryptedKey, plain, RSAEncryptionPadding.OaepSHA256, out var written)
                    && written == AesKeyLength)
                {
                    plain[..AesKeyLength].CopyTo(aesKey);
                    CryptographicOperations.ZeroMemory(plain);
                    return true;
                }
            }
            catch (CryptographicException)
            {
                // Not this key (or a tampered block): OAEP's check failed. Try the next one.
            }
        }
        CryptographicOperations.ZeroMemory(plain);
        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private static string RequirePassphrase(string? passphrase, string form) =>
        string.IsNullOrEmpty(passphrase)
            ? throw new FlowKeyException($"The private key is {form} and needs a passphrase, but none was configured.")
            : passphrase;

    private static RSA LoadLegacyEncrypted(string pem, string passphrase)
    {
        object? parsed;
        try
        {
            using var reader = new StringReader(pem);
            parsed = new PemReader(reader, new FixedPassword(passphrase)).ReadObject();
        }
        catch (Exception ex) when (ex is InvalidCipherTextException or PemException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new FlowKeyException("The legacy encrypted private key could not be decrypted: the passphrase is wrong or the PEM is damaged.", ex);
        }
        var parameters = parsed switch
        {
            AsymmetricCipherKeyPair { Private: RsaPrivateCrtKeyParameters p } => p,
            RsaPrivateCrtKeyParameters p => p,
            _ => throw new FlowKeyException("The legacy encrypted PEM does not hold an RSA private key."),
        };
        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(ToRsaParameters(parameters));
            return rsa;
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new FlowKeyException("The legacy encrypted private key has invalid RSA parameters.", ex);
        }
    }

    private static RSAParameters ToRsaParameters(RsaPrivateCrtKeyParameters key)
    {
        // .NET requires the CRT components to have exactly half the modulus length (big-endian, left-padded).
        var modulus = key.Modulus.ToByteArrayUnsigned();
        var half = (modulus.Length + 1) / 2;
        return new RSAParameters
        {
            Modulus = modulus,
            Exponent = key.PublicExponent.ToByteArrayUnsigned(),
            D = Pad(key.Exponent.ToByteArrayUnsigned(), modulus.Length),
            P = Pad(key.P.ToByteArrayUnsigned(), half),
            Q = Pad(key.Q.ToByteArrayUnsigned(), half),
            DP = Pad(key.DP.ToByteArrayUnsigned(), half),
            DQ = Pad(key.DQ.ToByteArrayUnsigned(), half),
            InverseQ = Pad(key.QInv.ToByteArrayUnsigned(), half),
        };
    }

    private static byte[] Pad(byte[] value, int length)
    {
        if (value.Length >= length)
        {
            return value;
        }
        var padded = new byte[length];
        value.CopyTo(padded, length - value.Length);
        return padded;
    }

    private sealed class FixedPassword(string passphrase) : IPasswordFinder
    {
        public char[] GetPassword() => passphrase.ToCharArray();
    }
}

/// <summary>A private key could not be loaded (missing file, unknown format, wrong passphrase).</summary>
public sealed class FlowKeyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowKeyException(string message, Exception? inner = null) : base(message, inner) { }
}
