namespace Backend.Flows.Endpoint;

/// <summary>Why a request to the data endpoint was refused. Each kind maps to one HTTP status.</summary>
public enum FlowRequestError
{
    /// <summary>The envelope is not the JSON object Meta sends, a field is missing, not base64, or has an impossible size (400).</summary>
    MalformedEnvelope,

    /// <summary>No configured key decrypts the AES key, or the AES-GCM tag does not verify (421: the client refreshes the public key and retries).</summary>
    DecryptionFailed,

    /// <summary>The payload decrypted but is not a valid Flows request: bad JSON, unknown action, missing field (400).</summary>
    MalformedPayload,

    /// <summary>The payload's <c>version</c> is not one this endpoint speaks (400).</summary>
    UnsupportedVersion,
}

/// <summary>A data-endpoint request that cannot be handled. The message never contains decrypted data.</summary>
public sealed class FlowRequestException(FlowRequestError error, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The kind of failure.</summary>
    public FlowRequestError Error { get; } = error;
}
