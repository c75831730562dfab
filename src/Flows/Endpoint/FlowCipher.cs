using System.Security.Cryptography;

namespace Backend.Flows.Endpoint;

/// <summary>
/// Opens Meta's encrypted requests with a <see cref="FlowKeyRing"/> and yields a <see cref="FlowExchange"/>
/// that seals the answer under the same AES key. Thread-safe; one instance serves every request.
/// </summary>
public sealed class FlowCipher(FlowKeyRing keys)
{
    /// <summary>The keys this cipher decrypts with.</summary>
    public FlowKeyRing Keys { get; } = keys;

    /// <summary>Unwraps the AES key with RSA-OAEP, then decrypts and authenticates the payload with AES-GCM.</summary>
    /// <exception cref="FlowRequestException">With <see cref="FlowRequestError.DecryptionFailed"/>.</exception>
    public FlowExchange Open(FlowEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var aesKey = new byte[FlowKeyRing.AesKeyLength];
        if (!Keys.TryUnwrapAesKey(envelope.EncryptedAesKey, aesKey))
        {
            throw new FlowRequestException(FlowRequestError.DecryptionFailed,
                "Cannot decrypt: no configured private key unwraps encrypted_aes_key to a 16-byte AES key.");
        }
        if (!FlowAesGcm.TryDecrypt(aesKey, envelope.InitialVector, envelope.EncryptedFlowData, out var plaintext))
        {
            CryptographicOperations.ZeroMemory(aesKey);
            throw new FlowRequestException(FlowRequestError.DecryptionFailed,
                "Cannot decrypt: the AES-GCM authentication tag of encrypted_flow_data does not verify.");
        }
        return new FlowExchange(aesKey, envelope.InitialVector, plaintext);
    }
}

/// <summary>
/// One opened request: its plaintext and the key material to seal the response. Dispose it to wipe both.
/// </summary>
public sealed class FlowExchange : IDisposable
{
    private readonly byte[] _aesKey;
    private readonly byte[] _iv;
    private readonly byte[] _plaintext;

    internal FlowExchange(byte[] aesKey, byte[] iv, byte[] plaintext)
    {
        _aesKey = aesKey;
        _iv = iv;
        _plaintext = plaintext;
    }

    /// <summary>The decrypted payload (UTF-8 JSON). Never log it: it holds what the user typed.</summary>
    public ReadOnlySpan<byte> Plaintext => _plaintext;

    /// <summary>Parses <see cref="Plaintext"/> into a typed request.</summary>
    /// <exception cref="FlowRequestException">The payload is not a valid Flows request.</exception>
    public FlowRequest ParseRequest() => FlowRequest.Parse(_plaintext);

    /// <summary>Parses the decrypted request within <paramref name="limits"/>.</summary>
    public FlowRequest ParseRequest(FlowRequestLimits limits) => FlowRequest.Parse(_plaintext, limits);

    /// <summary>Encrypts <paramref name="response"/> for this request: the base64 text to send with status 200.</summary>
    public string Seal(FlowResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Seal(response.ToUtf8Json());
    }

    /// <summary>Encrypts an already serialized UTF-8 JSON response.</summary>
    public string Seal(ReadOnlySpan<byte> utf8Json)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return FlowAesGcm.EncryptResponse(_aesKey, _iv, utf8Json);
    }

    private bool _disposed;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        CryptographicOperations.ZeroMemory(_aesKey);
        CryptographicOperations.ZeroMemory(_plaintext);
    }
}
