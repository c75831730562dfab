using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Backend.Api.Tests.SignUp;
using Backend.TestSupport.Meta;
using static Backend.Api.Tests.Hardening.BadInputProduct;

namespace Backend.Api.Tests.Hardening;

/// <summary>One bad or hostile request and the status it must get.</summary>
/// <param name="Name">What is wrong with it.</param>
/// <param name="Status">The answer: a 4xx of the protocol or of HTTP.</param>
/// <param name="Send">Sends it to the product.</param>
public sealed record BadInput(string Name, int Status, Func<BadInputProduct, Task<HttpResponseMessage>> Send);

/// <summary>
/// Issue 14's matrix over real HTTP against the product on Postgres: every bad input gets its 4xx, changes nothing
/// (stored state and both sessions' live state are identical before and after), leaves the process healthy (liveness,
/// readiness and an encrypted ping), and neither the answer nor the log lines it caused carry a stack trace, a flow
/// token, the account's email or password, or a value from a decrypted payload.
/// </summary>
public sealed class BadInputMatrixTests(BadInputProduct product) : IClassFixture<BadInputProduct>
{
    private const string Init = """{"version":"3.0","action":"INIT","flow_token":"tok-never-handled"}""";

    private static readonly IReadOnlyList<BadInput> Cases =
    [
        // The envelope: not the three base64 fields Meta sends.
        new("empty body", 400, p => p.RawEndpointAsync([])),
        new("body not JSON", 400, p => p.RawEndpointAsync("not json at all"u8.ToArray())),
        new("body a JSON array", 400, p => p.RawEndpointAsync("[1,2,3]"u8.ToArray())),
        new("body truncated JSON", 400, p => p.RawEndpointAsync("{\"encrypted_flow_data\":"u8.ToArray())),
        new("envelope with a duplicate key", 400, p => p.RawEndpointAsync(Encoding.UTF8.GetBytes(
            p.Meta.Seal(Init).EnvelopeJson().TrimEnd('}') + ",\"initial_vector\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}"))),
        new("envelope not UTF-8", 400, p => p.RawEndpointAsync([.. "{\"encrypted_flow_data\":\""u8, 0xC3, 0x28, .. "\"}"u8])),
        new("envelope without encrypted_flow_data", 400, p => p.EnvelopeAsync(Without(p.Envelope(Init), "encrypted_flow_data"))),
        new("envelope without encrypted_aes_key", 400, p => p.EnvelopeAsync(Without(p.Envelope(Init), "encrypted_aes_key"))),
        new("envelope without initial_vector", 400, p => p.EnvelopeAsync(Without(p.Envelope(Init), "initial_vector"))),
        new("encrypted_flow_data not base64", 400, p => p.EnvelopeAsync(With(p.Envelope(Init), "encrypted_flow_data", "%%%"))),
        new("encrypted_aes_key not base64", 400, p => p.EnvelopeAsync(With(p.Envelope(Init), "encrypted_aes_key", "%%%"))),
        new("initial_vector not base64", 400, p => p.EnvelopeAsync(With(p.Envelope(Init), "initial_vector", "%%%"))),
        new("initial_vector a number", 400, p => p.EnvelopeAsync(With(p.Envelope(Init), "initial_vector", 12))),
        new("initial_vector of 12 bytes", 400, p => p.EnvelopeAsync(With(p.Envelope(Init), "initial_vector", Convert.ToBase64String(new byte[12])))),
        new("ciphertext shorter than the GCM tag", 400, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init) is var r ? r with { EncryptedFlowData = r.EncryptedFlowData[..10] } : r)),

        // Cryptography: the protocol's 421, so Meta re-fetches the public key.
        new("ciphertext truncated", 421, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init) is var r ? r with { EncryptedFlowData = r.EncryptedFlowData[..^5] } : r)),
        new("ciphertext bit flipped", 421, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init) is var r ? r with { EncryptedFlowData = Flip(r.EncryptedFlowData, 0) } : r)),
        new("GCM tag bit flipped", 421, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init) is var r ? r with { EncryptedFlowData = Flip(r.EncryptedFlowData, ^1) } : r)),
        new("AES key of 24 bytes", 421, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init) with
        {
            EncryptedAesKey = p.Api.Factory.BusinessKey.Encrypt(RandomNumberGenerator.GetBytes(24), RSAEncryptionPadding.OaepSHA256),
        })),
        new("AES key block of random bytes", 421, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init) with { EncryptedAesKey = RandomNumberGenerator.GetBytes(256) })),
        new("AES key block of the wrong size", 421, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init) with { EncryptedAesKey = RandomNumberGenerator.GetBytes(128) })),
        new("AES key for another business key", 421, async p =>
        {
            using var stranger = RSA.Create(2048);
            var client = new MetaFlowClient(p.Api.Http, stranger, FlowsApiFactory.AppSecret);
            return await client.PostAsync(EndpointPath, client.Seal(Init));
        }),

        // The signature: the protocol's 432.
        new("no signature", 432, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init), sign: false)),
        new("signature of zeros", 432, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init), signatureOverride: "sha256=" + new string('0', 64))),
        new("signature not hex", 432, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init), signatureOverride: "sha256=nothex")),
        new("signature without its prefix", 432, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal(Init), signatureOverride: "garbage")),
        new("signature with another secret", 432, p => Encoding.UTF8.GetBytes(p.Meta.Seal(Init).EnvelopeJson()) is var body
            ? p.RawEndpointAsync(body, MetaFlowClient.Sign(body, "not-the-app-secret")) : null!),
        new("signed ping without a signature", 432, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal("""{"version":"3.0","action":"ping"}"""), sign: false)),
        new("sign-up step without a signature", 432, p => p.Meta.PostAsync(EndpointPath,
            p.Meta.Seal("""{"version":"3.0","action":"data_exchange","screen":"SIGN_UP","flow_token":""" + Quote(p.LiveToken) + ""","data":""" + SignUpData("email", Quote("x@example.com")) + "}"),
            sign: false)),

        // Size.
        new("body over 2 MiB", 413, p => p.RawEndpointAsync(Enumerable.Repeat((byte)' ', 2 * 1024 * 1024 + 1).ToArray())),
        new("chunked body over 2 MiB", 413, async p =>
        {
            using var content = new StreamContent(new MemoryStream(new byte[3 * 1024 * 1024]));
            using var message = new HttpRequestMessage(HttpMethod.Post, EndpointPath) { Content = content };
            message.Headers.TransferEncodingChunked = true;
            return await p.Api.Http.SendAsync(message);
        }),

        // Routing.
        new("unknown flow", 404, p => p.Meta.PostAsync("/flows/no_such_flow", p.Meta.Seal(Init))),
        new("GET on the endpoint", 405, p => p.Api.Http.GetAsync(EndpointPath)),

        // The decrypted request: not a Flows request.
        new("payload not JSON", 400, p => p.SealedAsync("not json, but encrypted")),
        new("payload a JSON array", 400, p => p.SealedAsync("[]")),
        new("payload an unknown action", 400, p => p.SealedAsync("""{"version":"3.0","action":"DROP","flow_token":""" + Quote(p.LiveToken) + "}")),
        new("payload an unknown version", 400, p => p.SealedAsync("""{"version":"9.9","action":"INIT","flow_token":""" + Quote(p.LiveToken) + "}")),
        new("payload without version", 400, p => p.SealedAsync("""{"action":"INIT","flow_token":""" + Quote(p.LiveToken) + "}")),
        new("payload without flow_token", 400, p => p.SealedAsync("""{"version":"3.0","action":"INIT"}""")),
        new("flow_token a number", 400, p => p.SealedAsync("""{"version":"3.0","action":"INIT","flow_token":12345}""")),
        new("data an array", 400, p => p.SignUpStepAsync("[" + Quote(DecryptedMarker) + "]")),
        new("screen a number", 400, p => p.SealedAsync("""{"version":"3.0","action":"data_exchange","screen":7,"flow_token":""" + Quote(p.LiveToken) + ""","data":{}}""")),

        // The decrypted request: the classes outside testing found (each answered 500 or poisoned the session).
        new("duplicate flow_token key", 400, p => p.SealedAsync("""{"version":"3.0","action":"INIT","flow_token":""" + Quote(p.LiveToken) + ""","flow_token":"other"}""")),
        new("duplicate key in data", 400, p => p.SignUpStepAsync(SignUpData("email", Quote("new." + SecretEmail)).TrimEnd('}') + ",\"email\":\"other@example.com\"}")),
        new("lone high surrogate in a name", 400, p => p.SignUpStepAsync(SignUpData("first_name", "\"\\ud800" + DecryptedMarker + "\""))),
        new("lone low surrogate in a name", 400, p => p.SignUpStepAsync(SignUpData("last_name", "\"\\udc00x\""))),
        new("surrogates in the wrong order", 400, p => p.SignUpStepAsync(SignUpData("last_name", "\"\\udc00\\ud800\""))),
        new("NUL in the email", 400, p => p.SignUpStepAsync(SignUpData("email", "\"new\\u0000" + SecretEmail + "\""))),
        new("NUL in a name", 400, p => p.SignUpStepAsync(SignUpData("first_name", "\"" + DecryptedMarker + "\\u0000\""))),
        new("NUL in the password", 400, p => p.SignUpStepAsync(SignUpData("password", "\"" + SecretPassword + "\\u00001\""))),
        new("NUL in a key", 400, p => p.SignUpStepAsync(SignUpData("email", Quote("new." + SecretEmail)).TrimEnd('}') + ",\"n\\u0000\":1}")),
        new("NUL in the flow token", 400, p => p.SealedAsync("""{"version":"3.0","action":"INIT","flow_token":"tok-\u0000-never-handled"}""")),
        new("payload not UTF-8", 400, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal([.. Encoding.UTF8.GetBytes(
            """{"version":"3.0","action":"data_exchange","screen":"SIGN_UP","flow_token":""" + Quote(p.LiveToken) + ""","data":{"first_name":" """), 0xC3, 0x28, .. "\"}}"u8]))),
        new("payload with an overlong UTF-8 encoding", 400, p => p.Meta.PostAsync(EndpointPath, p.Meta.Seal([.. Encoding.UTF8.GetBytes(
            """{"version":"3.0","action":"data_exchange","screen":"SIGN_UP","flow_token":""" + Quote(p.LiveToken) + ""","data":{"first_name":" """), 0xC0, 0xAF, .. "\"}}"u8]))),
        new("payload nested 40 deep", 400, p => p.SignUpStepAsync(string.Concat(Enumerable.Repeat("""{"a":""", 40)) + "1" + new string('}', 40))),
        new("a field of 70 KB", 400, p => p.SignUpStepAsync(SignUpData("first_name", Quote(DecryptedMarker + new string('n', 70 * 1024))))),
        new("a flow token of 2 KB", 427, p => p.SealedAsync("""{"version":"3.0","action":"INIT","flow_token":""" + Quote("tok-" + p.LiveToken + new string('x', 2000)) + "}")),
        new("a flow token of 60 KB", 427, p => p.SealedAsync("""{"version":"3.0","action":"INIT","flow_token":""" + Quote(p.LiveToken + new string('x', 60 * 1024)) + "}")),
        new("a flow token nobody issued", 427, p => p.SealedAsync("""{"version":"3.0","action":"INIT","flow_token":"tok-never-issued-""" + Guid.NewGuid().ToString("N") + "\"}")),

        // flow_token_signature (data API 4.0): checked whenever present, before any handler.
        new("token signature with another secret", 432, p => p.SealedAsync(Signed(p.LiveToken, MetaTokenJwt.Sign(p.LiveToken, "not-the-app-secret")))),
        new("token signature with alg none", 432, p => p.SealedAsync(Signed(p.LiveToken, MetaTokenJwt.Unsigned(p.LiveToken)))),
        new("token signature with RS256", 432, p => p.SealedAsync(Signed(p.LiveToken, MetaTokenJwt.Rs256(p.LiveToken)))),
        new("token signature for another token", 432, p => p.SealedAsync(Signed(p.LiveToken, MetaTokenJwt.Sign(p.RegisteredToken, FlowsApiFactory.AppSecret)))),
        new("token signature not a JWT", 432, p => p.SealedAsync(Signed(p.LiveToken, DecryptedMarker))),

        // The webhook: signed like the endpoint, strict like it.
        new("webhook without a signature", 401, p => p.WebhookAsync(Completion("{\"flow_token\":" + Quote(p.LiveToken) + "}"), sign: false)),
        new("webhook signed with another secret", 401, p => Completion("{\"flow_token\":" + Quote(p.LiveToken) + "}") is var body
            ? p.WebhookAsync(body, MetaFlowClient.Sign(body, "not-the-app-secret")) : null!),
        new("webhook not JSON", 400, p => p.WebhookAsync("not json"u8.ToArray())),
        new("webhook with a duplicate key", 400, p => p.WebhookAsync(Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","object":"x","entry":[]}"""))),
        new("webhook not UTF-8", 400, p => p.WebhookAsync([.. "{\"object\":\""u8, 0xC3, 0x28, .. "\",\"entry\":[]}"u8])),
        new("webhook with a lone surrogate", 400, p => p.WebhookAsync(Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account\ud800","entry":[]}"""))),
        new("webhook with NUL in response_json", 400, p => p.WebhookAsync(Completion(
            "{\"flow_token\":" + Quote(p.LiveToken) + ",\"stay_logged_in\":true,\"note\":\"" + DecryptedMarker + "\\u0000\"}"))),
        new("webhook with a duplicate key in response_json", 400, p => p.WebhookAsync(Completion(
            "{\"flow_token\":" + Quote(p.LiveToken) + ",\"flow_token\":" + Quote(p.RegisteredToken) + "}"))),
        new("webhook over its 8 MiB limit", 413, p => p.WebhookAsync(Enumerable.Repeat((byte)' ', 8 * 1024 * 1024 + 1).ToArray())),
        new("webhook verification with the wrong token", 403, p => p.Api.Http.GetAsync("/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42")),
        new("webhook verification without a challenge", 403, p => p.Api.Http.GetAsync("/webhook?hub.mode=subscribe&hub.verify_token=" + FlowsApiFactory.VerifyToken)),

        // The admin API.
        new("admin without a token", 401, p => p.AdminAsync(HttpMethod.Post, "/admin/flows/sign_up/sessions", """{"to":"15550001111"}""", authorization: null)),
        new("admin with a wrong token", 401, p => p.AdminAsync(HttpMethod.Post, "/admin/flows/sign_up/sessions", """{"to":"15550001111"}""", authorization: "Bearer wrong")),
        new("admin with Basic credentials", 401, p => p.AdminAsync(HttpMethod.Post, "/admin/flows/sign_up/sessions", """{"to":"15550001111"}""",
            authorization: "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + ProductApi.AdminToken)))),
        new("admin session lookup without a token", 401, p => p.AdminAsync(HttpMethod.Get, "/admin/sessions/tok-unknown", authorization: null)),
        new("admin issue for an unknown flow", 404, p => p.AdminAsync(HttpMethod.Post, "/admin/flows/no_such_flow/sessions", """{"to":"15550001111"}""")),
        new("admin issue with a body not JSON", 400, p => p.AdminAsync(HttpMethod.Post, "/admin/flows/sign_up/sessions", "not json")),
        new("admin issue to a number that is not one", 400, p => p.AdminAsync(HttpMethod.Post, "/admin/flows/sign_up/sessions", """{"to":"call me"}""")),
        new("admin issue without a recipient", 400, p => p.AdminAsync(HttpMethod.Post, "/admin/flows/sign_up/sessions", "{}")),
        new("admin lookup of an unknown session", 404, p => p.AdminAsync(HttpMethod.Get, "/admin/sessions/tok-unknown")),
        new("admin invalidation of an unknown session", 404, p => p.AdminAsync(HttpMethod.Post, "/admin/sessions/tok-unknown/invalidate")),
    ];

    public static TheoryData<string> Names() => [.. Cases.Select(c => c.Name)];

    [Fact]
    public void TheMatrixHasAtLeastSixtyCases() => Assert.True(Cases.Count >= 60, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task IsRefusedChangesNothingStaysHealthyAndLeaksNothing(string name)
    {
        var input = Cases.Single(c => c.Name == name);
        var before = await product.SnapshotAsync();
        var logged = product.Api.Factory.Logs.Lines.Count;

        using var response = await input.Send(product);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(input.Status, (int)response.StatusCode);
        Assert.Equal(before, await product.SnapshotAsync());
        Assert.Null(await product.UnhealthyBecauseAsync());
        var lines = product.Api.Factory.Logs.Lines.Skip(logged).ToList();
        foreach (var (where, text) in lines.Select(l => ("log", l)).Prepend(("answer", body)))
        {
            Assert.False(LooksLikeAStackTrace(text), $"{where} carries a stack trace: {text}");
            foreach (var secret in product.Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} carries a secret: {text}");
            }
        }
    }

    /// <summary>A data_exchange on the live session's SIGN_UP screen carrying <paramref name="signature"/>.</summary>
    private static string Signed(string token, string signature) =>
        """{"version":"4.0","action":"data_exchange","screen":"SIGN_UP","flow_token":""" + Quote(token) + ""","flow_token_signature":""" + Quote(signature) +
        ""","data":""" + SignUpData("email", Quote("x@example.com")) + "}";

    private static bool LooksLikeAStackTrace(string text) =>
        text.Contains("\n   at ", StringComparison.Ordinal) || text.Contains(".cs:line", StringComparison.Ordinal) || text.Contains("Exception:", StringComparison.Ordinal);

    private static JsonObject Without(JsonObject envelope, string field)
    {
        envelope.Remove(field);
        return envelope;
    }

    private static JsonObject With(JsonObject envelope, string field, JsonNode? value)
    {
        envelope[field] = value;
        return envelope;
    }

    private static byte[] Flip(byte[] bytes, Index at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 1;
        return copy;
    }
}
