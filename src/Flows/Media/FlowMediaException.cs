namespace Backend.Flows.Media;

/// <summary>The step at which an uploaded file was refused.</summary>
public enum FlowMediaFailure
{
    /// <summary>The picker value is not what Meta sends: not an array of file objects, a field missing, not base64, a key of the wrong size.</summary>
    InvalidMetadata,

    /// <summary>The CDN could not be reached, or the connection failed before the answer began.</summary>
    Download,

    /// <summary>The CDN answered with a status other than 2xx (see <see cref="FlowMediaException.StatusCode"/>).</summary>
    HttpStatus,

    /// <summary>The file is larger than the picker's limit allows (by <c>Content-Length</c>, or while it was read).</summary>
    TooLarge,

    /// <summary>The download ended before its <c>Content-Length</c>, or is too short to hold ciphertext and MAC.</summary>
    Truncated,

    /// <summary>The download took longer than the configured timeout.</summary>
    Timeout,

    /// <summary>SHA-256 of the downloaded file differs from <c>encrypted_hash</c>.</summary>
    EncryptedHash,

    /// <summary>HMAC-SHA256 over IV and ciphertext differs from the file's 10-byte MAC.</summary>
    Hmac,

    /// <summary>AES-256-CBC decryption failed: the ciphertext is not whole blocks, or the PKCS#7 padding is wrong.</summary>
    Decryption,

    /// <summary>SHA-256 of the decrypted file differs from <c>plaintext_hash</c>.</summary>
    PlaintextHash,
}

/// <summary>
/// An uploaded file that cannot be used. <see cref="Failure"/> names the step that failed; the message names the
/// media id and the step, never a key, a URL or the file's bytes.
/// </summary>
public sealed class FlowMediaException(FlowMediaFailure failure, string message, Exception? inner = null, int? statusCode = null)
    : Exception(message, inner)
{
    /// <summary>The step that failed.</summary>
    public FlowMediaFailure Failure { get; } = failure;

    /// <summary>The CDN's HTTP status, for <see cref="FlowMediaFailure.HttpStatus"/>.</summary>
    public int? StatusCode { get; } = statusCode;
}
