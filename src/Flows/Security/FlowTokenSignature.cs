using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Json;

namespace Backend.Flows.Security;

/// <summary>Why a <c>flow_token_signature</c> was refused.</summary>
public enum FlowTokenSignatureFailure
{
    /// <summary>Not a compact JWT: not three segments, a segment not base64url, a header or payload not a JSON object.</summary>
    Malformed,

    /// <summary>The header's <c>alg</c> is missing or is not <c>HS256</c> (<c>none</c>, <c>HS512</c>, <c>RS256</c> …), or it names <c>crit</c> extensions.</summary>
    UnsupportedAlgorithm,

    /// <summary>The HMAC-SHA256 signature matches none of the configured app secrets.</summary>
    BadSignature,

    /// <summary>The payload has no string claim carrying the flow token.</summary>
    MissingFlowToken,

    /// <summary>The flow token inside the JWT differs from the request's <c>flow_token</c>.</summary>
    FlowTokenMismatch,

    /// <summary>An <c>exp</c> claim is present and has passed (or an <c>nbf</c> claim has not yet come).</summary>
    Expired,
}

/// <summary>The verdict on one <c>flow_token_signature</c>.</summary>
/// <param name="Failure">Why it was refused; <see langword="null"/> when it is valid.</param>
public readonly record struct FlowTokenSignatureResult(FlowTokenSignatureFailure? Failure)
{
    /// <summary>Whether the signature is valid and carries the request's flow token.</summary>
    public bool IsValid => Failure is null;
}

/// <summary>
/// Verifies <c>flow_token_signature</c> (data API 4.0 with Flow JSON ≥ 7.3): a compact JWT signed HS256 with the
/// Meta app secret, whose payload carries the flow token. Only <c>HS256</c> is accepted (never <c>none</c> or
/// another algorithm, whatever the header says); the signature is checked in constant time against every
/// configured app secret (current and previous, during a rotation) and the token inside it is compared, in
/// constant time, with the request's <c>flow_token</c>.
/// </summary>
/// <remarks>
/// Meta's documentation does not name the claim that carries the token (https://developers.facebook.com/docs/whatsapp/flows/guides/implementingyourflowendpoint; see docs/media-and-signatures.md). This
/// verifier reads <see cref="DefaultClaim"/> (<c>flow_token</c>, the name the request itself uses) unless told
/// otherwise. <c>exp</c> and <c>nbf</c> are enforced when present (with <see cref="ClockSkew"/>); <c>iat</c>,
/// <c>iss</c>, <c>aud</c> and <c>jti</c> are not checked, since Meta documents none of them.
/// </remarks>
public sealed class FlowTokenSignature
{
    /// <summary>The claim read unless another is configured: the request's own field name.</summary>
    public const string DefaultClaim = "flow_token";

    /// <summary>The only algorithm accepted, as Meta documents it.</summary>
    public const string Algorithm = "HS256";

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off from this host's clock.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    // Far more than a header, a flow token of FlowEndpoint:MaxFlowTokenLength and a signature need; refused before any work.
    private const int MaxLength = 16 * 1024;
    private const int MaxJsonDepth = 8;

    private readonly byte[][] _secrets;
    private readonly string _claim;
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier for the given app secrets (empty: nothing is configured).</summary>
    /// <param name="appSecrets">The current app secret and any previous ones still accepted.</param>
    /// <param name="claim">The payload claim that carries the flow token.</param>
    /// <param name="time">The clock <c>exp</c> and <c>nbf</c> are read against.</param>
    public FlowTokenSignature(IEnumerable<string> appSecrets, string claim = DefaultClaim, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(appSecrets);
        ArgumentException.ThrowIfNullOrEmpty(claim);
        _secrets = [.. appSecrets.Where(s => !string.IsNullOrEmpty(s)).Select(Encoding.UTF8.GetBytes)];
        _claim = claim;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Whether any app secret is configured, i.e. whether signatures can be checked.</summary>
    public bool IsConfigured => _secrets.Length > 0;

    /// <summary>
    /// Meta's side, for clients that play Meta (the local simulator): an HS256 JWT keyed by
    /// <paramref name="appSecret"/> whose payload carries <paramref name="flowToken"/> under <paramref name="claim"/>.
    /// </summary>
    public static string Sign(string flowToken, string appSecret, string claim = DefaultClaim)
    {
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { [claim] = flowToken }.ToJsonString()));
        var input = header + "." + payload;
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>Checks <paramref name="jwt"/> and that it carries <paramref name="flowToken"/>.</summary>
    /// <exception cref="InvalidOperationException">No app secret is configured.</exception>
    public FlowTokenSignatureResult Verify(string jwt, string flowToken)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(flowToken);
        if (!IsConfigured)
        {
            throw new InvalidOperationException("No app secret is configured to verify flow_token_signature with.");
        }
        if (jwt.Length > MaxLength || jwt.Split('.') is not [var header, var payload, var signature]
            || !IsBase64Url(header) || !IsBase64Url(payload) || !IsBase64Url(signature))
        {
            return Refused(FlowTokenSignatureFailure.Malformed);
        }

        // The algorithm is decided here, never by the header: anything but HS256 is refused before any key is used.
        if (ReadObject(header) is not { } headerJson)
        {
            return Refused(FlowTokenSignatureFailure.Malformed);
        }
        if (!IsString(headerJson["alg"], Algorithm) || headerJson.ContainsKey("crit"))
        {
            return Refused(FlowTokenSignatureFailure.UnsupportedAlgorithm);
        }

        if (Decode(signature) is not { Length: HMACSHA256.HashSizeInBytes } claimed)
        {
            return Refused(FlowTokenSignatureFailure.Malformed);
        }
        var signingInput = Encoding.ASCII.GetBytes(jwt, 0, header.Length + 1 + payload.Length);
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var signed = false;
        foreach (var secret in _secrets)
        {
            HMACSHA256.HashData(secret, signingInput, expected);
            // No early exit: every secret is tried so timing does not reveal which one matched.
            signed |= CryptographicOperations.FixedTimeEquals(expected, claimed);
        }
        if (!signed)
        {
            return Refused(FlowTokenSignatureFailure.BadSignature);
        }

        if (ReadObject(payload) is not { } claims)
        {
            return Refused(FlowTokenSignatureFailure.Malformed);
        }
        if (claims[_claim] is not JsonValue tokenValue || !tokenValue.TryGetValue<string>(out var signedToken))
        {
            return Refused(FlowTokenSignatureFailure.MissingFlowToken);
        }
        if (!SameText(signedToken, flowToken))
        {
            return Refused(FlowTokenSignatureFailure.FlowTokenMismatch);
        }
        return CheckLifetime(claims);
    }

    private FlowTokenSignatureResult CheckLifetime(JsonObject claims)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)ClockSkew.TotalSeconds;
        if (claims.ContainsKey("exp") && (NumericDate(claims["exp"]) is not { } expires || now - skew >= expires))
        {
            return Refused(FlowTokenSignatureFailure.Expired);
        }
        if (claims.ContainsKey("nbf") && (NumericDate(claims["nbf"]) is not { } notBefore || now + skew < notBefore))
        {
            return Refused(FlowTokenSignatureFailure.Expired);
        }
        return new FlowTokenSignatureResult(null);
    }

    private static FlowTokenSignatureResult Refused(FlowTokenSignatureFailure failure) => new(failure);

    // Both sides are hashed first so the comparison takes the same time whatever their lengths.
    private static bool SameText(string a, string b)
    {
        Span<byte> left = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> right = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(a), left);
        SHA256.HashData(Encoding.UTF8.GetBytes(b), right);
        return CryptographicOperations.FixedTimeEquals(left, right);
    }

    private static bool IsString(JsonNode? node, string expected) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && string.Equals(text, expected, StringComparison.Ordinal);

    private static long? NumericDate(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var seconds)
            && double.IsFinite(seconds) && Math.Abs(seconds) < 1e15
            ? (long)Math.Floor(seconds)
            : null;

    private static JsonObject? ReadObject(string segment)
    {
        if (Decode(segment) is not { } utf8)
        {
            return null;
        }
        try
        {
            return StrictJson.Parse(utf8, MaxJsonDepth) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // RFC 7515 base64url without padding; anything outside the alphabet (padding, '+', '/', whitespace) is refused.
    private static bool IsBase64Url(string segment) =>
        segment.Length > 0 && segment.Length % 4 != 1 && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static byte[]? Decode(string segment)
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        return Base64Url.TryDecodeFromChars(segment, bytes, out var written) ? bytes[..written] : null;
    }
}
