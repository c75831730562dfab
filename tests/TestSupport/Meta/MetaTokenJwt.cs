using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Backend.TestSupport.Meta;

/// <summary>
/// Builds <c>flow_token_signature</c> JWTs as Meta describes them (HS256 with the app secret, the flow token in the
/// payload), and every kind of wrong one. Written from RFC 7515/7519 independently of the product's verifier.
/// </summary>
public static class MetaTokenJwt
{
    /// <summary>The claim this backend reads the token from (Meta does not document its name).</summary>
    public const string Claim = "flow_token";

    /// <summary>A valid JWT for <paramref name="flowToken"/> signed with <paramref name="appSecret"/>.</summary>
    public static string Sign(string flowToken, string appSecret, JsonObject? extraClaims = null)
    {
        var payload = extraClaims?.DeepClone().AsObject() ?? [];
        payload[Claim] = flowToken;
        return Compose(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" }, payload, appSecret);
    }

    /// <summary>A JWT with any header and payload, signed HMAC-SHA256 with <paramref name="appSecret"/> (or HMAC-SHA512 when asked).</summary>
    public static string Compose(JsonObject header, JsonObject payload, string appSecret, bool sha512 = false)
    {
        var signingInput = Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var key = Encoding.UTF8.GetBytes(appSecret);
        var data = Encoding.ASCII.GetBytes(signingInput);
        var mac = sha512 ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);
        return signingInput + "." + Encode(mac);
    }

    /// <summary>An unsigned JWT (<c>alg: none</c>, empty signature) carrying <paramref name="flowToken"/>.</summary>
    public static string Unsigned(string flowToken) =>
        Encode(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}""")) + "."
        + Encode(Encoding.UTF8.GetBytes(new JsonObject { [Claim] = flowToken }.ToJsonString())) + ".";

    /// <summary>An RS256 JWT signed with a fresh RSA key.</summary>
    public static string Rs256(string flowToken)
    {
        using var rsa = RSA.Create(2048);
        var signingInput = Encode(Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT"}""")) + "."
            + Encode(Encoding.UTF8.GetBytes(new JsonObject { [Claim] = flowToken }.ToJsonString()));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Encode(signature);
    }

    /// <summary>Base64url without padding (RFC 7515 §2).</summary>
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A fresh random app secret (tests never use real ones).</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
