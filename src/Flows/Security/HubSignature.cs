using System.Security.Cryptography;
using System.Text;

namespace Backend.Flows.Security;

/// <summary>
/// Verifies <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, Meta's HMAC-SHA256 of the raw request body keyed with
/// the app secret. Several secrets may be configured while one is rotated; a signature is valid if any matches.
/// Comparison is constant-time and always over the bytes as received, never a re-serialized body.
/// </summary>
public sealed class HubSignature
{
    /// <summary>The header Meta signs endpoint requests and webhooks with.</summary>
    public const string HeaderName = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";
    private readonly byte[][] _secrets;

    /// <summary>Creates a verifier for the given app secrets (empty: nothing is configured).</summary>
    public HubSignature(IEnumerable<string> appSecrets)
    {
        ArgumentNullException.ThrowIfNull(appSecrets);
        _secrets = [.. appSecrets.Where(s => !string.IsNullOrEmpty(s)).Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>Whether any app secret is configured, i.e. whether signatures can be checked.</summary>
    public bool IsConfigured => _secrets.Length > 0;

    /// <summary>Checks a header value against the body. A missing or malformed header is simply invalid.</summary>
    public bool Verify(ReadOnlySpan<byte> body, string? headerValue)
    {
        if (_secrets.Length == 0 || headerValue is null
            || !headerValue.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            || headerValue.Length != Prefix.Length + (HMACSHA256.HashSizeInBytes * 2))
        {
            return false;
        }
        Span<byte> claimed = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Convert.FromHexString(headerValue.AsSpan(Prefix.Length), claimed, out _, out var written)
            != System.Buffers.OperationStatus.Done || written != claimed.Length)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var valid = false;
        foreach (var secret in _secrets)
        {
            HMACSHA256.HashData(secret, body, expected);
            // No early exit: every secret is tried so timing does not reveal which one matched.
            valid |= CryptographicOperations.FixedTimeEquals(expected, claimed);
        }
        return valid;
    }

    /// <summary>Computes the header value for <paramref name="body"/> with <paramref name="appSecret"/> (as Meta does).</summary>
    public static string Sign(ReadOnlySpan<byte> body, string appSecret)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body, mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }
}
