using System.Security.Cryptography;
using System.Text;

namespace Backend.Flows.Endpoint;

/// <summary>
/// A short, non-reversible label for a flow token, for logs and dashboards: the token itself is a bearer
/// credential for its session and is never logged.
/// </summary>
public static class FlowTokenFingerprint
{
    /// <summary>The first 12 hex digits of SHA-256 of the token.</summary>
    public static string Of(string? flowToken)
    {
        if (string.IsNullOrEmpty(flowToken))
        {
            return "-";
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(flowToken), hash);
        return Convert.ToHexStringLower(hash[..6]);
    }
}
