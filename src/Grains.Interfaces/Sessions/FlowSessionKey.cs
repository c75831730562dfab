using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Backend.Grains;

/// <summary>
/// The grain key of a flow session: SHA-256 of the flow token, base64url. The token is a bearer credential and
/// must not appear where Orleans prints or stores grain ids; a 256-bit hash of it is safe to show and collides
/// with no other token's.
/// </summary>
public static class FlowSessionKey
{
    /// <summary>The session key of <paramref name="flowToken"/> (43 characters).</summary>
    public static string Of(string flowToken)
    {
        ArgumentNullException.ThrowIfNull(flowToken);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(flowToken), hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>
    /// The short label of a session in logs: the first 12 hex digits of its key's hash, the same as
    /// <see cref="Backend.Flows.Endpoint.FlowTokenFingerprint.Of"/> gives for its token.
    /// </summary>
    public static string Fingerprint(string sessionKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        return Base64Url.TryDecodeFromChars(sessionKey, hash, out var written) && written == hash.Length
            ? Convert.ToHexStringLower(hash[..6])
            : "-";
    }

    /// <summary>The session grain of <paramref name="flowToken"/>.</summary>
    public static IFlowSessionGrain GetFlowSession(this IGrainFactory grains, string flowToken) =>
        GetFlowSessionByKey(grains, Of(flowToken));

    /// <summary>The session grain whose key is <paramref name="sessionKey"/> (<see cref="Of"/> of its token).</summary>
    public static IFlowSessionGrain GetFlowSessionByKey(this IGrainFactory grains, string sessionKey) =>
        GrainReferences.Get<IFlowSessionGrain>(grains, GrainType, sessionKey);

    private static readonly GrainType GrainType = GrainType.Create(GrainTypeNames.FlowSession);
}
