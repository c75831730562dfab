using System.Security.Cryptography;
using System.Text;

namespace Backend.Flows.Webhooks;

/// <summary>
/// Meta's webhook subscription check: <c>GET ?hub.mode=subscribe&amp;hub.verify_token=…&amp;hub.challenge=…</c>.
/// Answer 200 with the raw challenge when the mode is <c>subscribe</c> and the token matches; 403 otherwise.
/// </summary>
/// <param name="Mode">The <c>hub.mode</c> query value.</param>
/// <param name="VerifyToken">The <c>hub.verify_token</c> query value.</param>
/// <param name="Challenge">The <c>hub.challenge</c> query value, echoed back on success.</param>
public sealed record WebhookVerification(string? Mode, string? VerifyToken, string? Challenge)
{
    /// <summary>
    /// Whether the request proves knowledge of <paramref name="expectedToken"/>. The comparison is constant-time
    /// (over SHA-256 digests, so the token's length does not leak either).
    /// </summary>
    public bool IsValid(string? expectedToken)
    {
        if (string.IsNullOrEmpty(expectedToken) || Mode != "subscribe" || string.IsNullOrEmpty(Challenge) || VerifyToken is null)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(expectedToken), expected);
        SHA256.HashData(Encoding.UTF8.GetBytes(VerifyToken), actual);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
