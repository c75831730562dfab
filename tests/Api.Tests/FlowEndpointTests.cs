using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.TestSupport.Meta;

namespace Backend.Api.Tests;

/// <summary>The data endpoint over real HTTP, with Meta's encryption and signatures.</summary>
public sealed class FlowEndpointTests : IClassFixture<FlowsApiFactory>
{
    private const string Path = "/flows/sign_up";
    private readonly FlowsApiFactory _api;
    private readonly MetaFlowClient _meta;

    public FlowEndpointTests(FlowsApiFactory api)
    {
        _api = api;
        _meta = api.Meta();
    }

    private static string DataExchange(string token, JsonObject data) => new JsonObject
    {
        ["version"] = "3.0",
        ["action"] = "data_exchange",
        ["screen"] = "START",
        ["flow_token"] = token,
        ["data"] = data,
    }.ToJsonString();

    [Fact]
    public async Task PingIsAnsweredActiveAsEncryptedPlainText()
    {
        var request = _meta.Seal("""{"version":"3.0","action":"ping"}""");
        using var response = await _meta.PostAsync(Path, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("""{"data":{"status":"active"}}""", request.OpenResponse(body));
        // Sent with its length, not chunked.
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task InitGoesToTheFlowHandlerAndItsScreenComesBackEncrypted()
    {
        var answer = await _meta.ExchangeAsync(Path, """{"version":"3.0","action":"INIT","flow_token":"init-token"}""");

        Assert.Equal("START", (string?)answer["screen"]);
        Assert.Equal("Olá 👋", (string?)answer["data"]!["greeting"]);
        Assert.Contains(_api.Handler.Requests, r => r.FlowToken == "init-token" && r.Action == FlowRequestAction.Init);
    }

    [Fact]
    public async Task DataExchangeCarriesTheScreenAndDataToTheHandler()
    {
        var answer = await _meta.ExchangeAsync(Path, """{"version":"3.0","action":"data_exchange","screen":"START","flow_token":"dx-token","data":{"name":"Ana"}}""");

        Assert.Equal("DONE", (string?)answer["screen"]);
        Assert.Equal("Ana", (string?)answer["data"]!["echo"]!["name"]);
    }

    [Fact]
    public async Task ErrorNotificationsAreAcknowledgedAndRecorded()
    {
        var answer = await _meta.ExchangeAsync(Path,
            """{"version":"3.0","action":"data_exchange","screen":"START","flow_token":"err-token","data":{"error":"invalid-screen-transition","error_message":"bad"}}""");

        Assert.Equal("""{"data":{"acknowledged":true}}""", answer.ToJsonString());
        Assert.Contains(_api.Handler.ErrorNotifications, n => n.FlowToken == "err-token" && n.ErrorKey == "invalid-screen-transition");
    }

    [Fact]
    public async Task AnInvalidatedTokenAnswers427WithMetasPlainErrorMessage()
    {
        var request = _meta.Seal("""{"version":"3.0","action":"data_exchange","screen":"START","flow_token":"revoked","data":{}}""");
        using var response = await _meta.PostAsync(Path, request);

        Assert.Equal(427, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"error_msg":"This sign-up was already completed"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnInvalidatedTokenWithoutMessageAnswersAnEmpty427()
    {
        using var response = await _meta.PostAsync(Path, _meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"revoked-silently"}"""));

        Assert.Equal(427, (int)response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFailingHandlerIsA500WithoutLeakingDetails()
    {
        using var response = await _meta.PostAsync(Path, _meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"crash"}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("handler failure", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUnknownFlowNameIs404BeforeAnyDecryption()
    {
        var before = _api.Handler.Calls;
        using var response = await _meta.PostAsync("/flows/nope", _meta.Seal("""{"version":"3.0","action":"ping"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, _api.Handler.Calls);
    }

    [Fact]
    public async Task ConcurrentRequestsEachGetTheirOwnAnswer()
    {
        var tokens = Enumerable.Range(0, 64).Select(i => $"parallel-{i}").ToArray();
        var answers = await Task.WhenAll(tokens.Select(token =>
            _meta.ExchangeAsync(Path, DataExchange(token, new JsonObject { ["who"] = token }))));

        Assert.Equal(tokens, answers.Select(a => (string?)a["data"]!["echo"]!["who"]));
    }

    [Fact]
    public async Task DecryptedPayloadsNeverReachTheLogs()
    {
        const string secret = "hunter2-Password-9f3c";
        await _meta.ExchangeAsync(Path, DataExchange("log-token", new JsonObject { ["password"] = secret }));
        await _meta.ExchangeAsync(Path, DataExchange("log-token", new JsonObject { ["error"] = "payload-schema-error", ["error_message"] = "x", ["password"] = secret }));
        using var refused = await _meta.PostAsync(Path, _meta.Seal($$"""{"version":"3.0","action":"{{secret}}","flow_token":"log-token"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotEmpty(_api.Logs.Lines);
        Assert.DoesNotContain(secret, _api.Logs.All);
        Assert.DoesNotContain("log-token", _api.Logs.All);
        Assert.Contains(FlowTokenFingerprint.Of("log-token"), _api.Logs.All);
    }
}

/// <summary>Every kind of bad input: the right status, and nothing reaches the flow handler.</summary>
public sealed class FlowEndpointBadInputTests : IClassFixture<FlowsApiFactory>
{
    private const string Path = "/flows/sign_up";
    private const string Ping = """{"version":"3.0","action":"ping"}""";
    private const string Init = """{"version":"3.0","action":"INIT","flow_token":"must-not-be-handled"}""";
    private readonly FlowsApiFactory _api;
    private readonly MetaFlowClient _meta;

    public FlowEndpointBadInputTests(FlowsApiFactory api)
    {
        _api = api;
        _meta = api.Meta();
    }

    private async Task AssertRefused(HttpResponseMessage response, int expectedStatus)
    {
        using (response)
        {
            Assert.Equal(expectedStatus, (int)response.StatusCode);
            Assert.DoesNotContain(_api.Handler.Requests, r => r.FlowToken == "must-not-be-handled");
        }
    }

    private Task<HttpResponseMessage> PostEnvelope(JsonObject envelope) =>
        _meta.PostRawAsync(Path, Encoding.UTF8.GetBytes(envelope.ToJsonString()));

    private JsonObject Envelope(MetaRequest request) => (JsonObject)JsonNode.Parse(request.EnvelopeJson())!;

    [Theory]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"encrypted_flow_data\":")]
    public async Task ABodyThatIsNotTheEnvelopeIs400(string body) =>
        await AssertRefused(await _meta.PostRawAsync(Path, Encoding.UTF8.GetBytes(body)), 400);

    [Theory]
    [InlineData("encrypted_flow_data")]
    [InlineData("encrypted_aes_key")]
    [InlineData("initial_vector")]
    public async Task AMissingFieldIs400(string field)
    {
        var envelope = Envelope(_meta.Seal(Init));
        envelope.Remove(field);
        await AssertRefused(await PostEnvelope(envelope), 400);
    }

    [Theory]
    [InlineData("encrypted_flow_data")]
    [InlineData("encrypted_aes_key")]
    [InlineData("initial_vector")]
    public async Task InvalidBase64Is400(string field)
    {
        var envelope = Envelope(_meta.Seal(Init));
        envelope[field] = "%%%not-base64%%%";
        await AssertRefused(await PostEnvelope(envelope), 400);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(32)]
    public async Task AnIvOfTheWrongLengthIs400(int length)
    {
        var envelope = Envelope(_meta.Seal(Init));
        envelope["initial_vector"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(length));
        await AssertRefused(await PostEnvelope(envelope), 400);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(8)]
    public async Task AnAesKeyOfTheWrongLengthIs421(int length)
    {
        var request = _meta.Seal(Init);
        var wrongKey = _api.BusinessKey.Encrypt(RandomNumberGenerator.GetBytes(length), RSAEncryptionPadding.OaepSHA256);
        await AssertRefused(await _meta.PostAsync(Path, request with { EncryptedAesKey = wrongKey }), 421);
    }

    [Fact]
    public async Task TruncatedCiphertextIs421()
    {
        var request = _meta.Seal(Init);
        await AssertRefused(await _meta.PostAsync(Path, request with { EncryptedFlowData = request.EncryptedFlowData[..^5] }), 421);
    }

    [Fact]
    public async Task CiphertextShorterThanTheTagIs400()
    {
        var request = _meta.Seal(Init);
        await AssertRefused(await _meta.PostAsync(Path, request with { EncryptedFlowData = request.EncryptedFlowData[..10] }), 400);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task AFlippedTagBitIs421(int bit)
    {
        var request = _meta.Seal(Init);
        var tampered = request.EncryptedFlowData.ToArray();
        tampered[^1] ^= (byte)(1 << bit);
        await AssertRefused(await _meta.PostAsync(Path, request with { EncryptedFlowData = tampered }), 421);
    }

    [Fact]
    public async Task AFlippedCiphertextBitIs421()
    {
        var request = _meta.Seal(Init);
        var tampered = request.EncryptedFlowData.ToArray();
        tampered[0] ^= 1;
        await AssertRefused(await _meta.PostAsync(Path, request with { EncryptedFlowData = tampered }), 421);
    }

    [Fact]
    public async Task ARequestForAnotherPrivateKeyIs421()
    {
        using var stranger = RSA.Create(2048);
        var client = new MetaFlowClient(_api.Http(), stranger, FlowsApiFactory.AppSecret);
        await AssertRefused(await client.PostAsync(Path, client.Seal(Init)), 421);
    }

    [Fact]
    public async Task AKeyBlockOfTheWrongSizeIs421()
    {
        var request = _meta.Seal(Init);
        await AssertRefused(await _meta.PostAsync(Path, request with { EncryptedAesKey = RandomNumberGenerator.GetBytes(128) }), 421);
    }

    [Fact]
    public async Task AnOversizedBodyIs413()
    {
        var body = new byte[2 * 1024 * 1024 + 1];
        body.AsSpan().Fill((byte)' ');
        await AssertRefused(await _meta.PostRawAsync(Path, body), 413);
    }

    [Fact]
    public async Task AnOversizedChunkedBodyIs413()
    {
        using var content = new StreamContent(new MemoryStream(new byte[3 * 1024 * 1024]));
        content.Headers.ContentLength = null;
        using var http = _api.Http();
        using var message = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
        message.Headers.TransferEncodingChunked = true;
        await AssertRefused(await http.SendAsync(message), 413);
    }

    [Fact]
    public async Task AMissingSignatureIs432()
    {
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(Init), sign: false), 432);
    }

    [Theory]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256=nothex")]
    [InlineData("garbage")]
    public async Task AWrongSignatureIs432(string signature)
    {
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(Init), signatureOverride: signature), 432);
    }

    [Fact]
    public async Task ASignatureWithAnotherSecretIs432()
    {
        var body = Encoding.UTF8.GetBytes(_meta.Seal(Init).EnvelopeJson());
        await AssertRefused(await _meta.PostRawAsync(Path, body, MetaFlowClient.Sign(body, "not-the-app-secret")), 432);
    }

    [Fact]
    public async Task ThePingIsSignedToo()
    {
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(Ping), sign: false), 432);
    }

    [Theory]
    [InlineData("""{"version":"3.0","action":"DROP","flow_token":"must-not-be-handled"}""")]
    [InlineData("""{"version":"9.9","action":"INIT","flow_token":"must-not-be-handled"}""")]
    [InlineData("""{"action":"INIT","flow_token":"must-not-be-handled"}""")]
    [InlineData("""{"version":"3.0","action":"INIT"}""")]
    [InlineData("""not json, but encrypted""")]
    public async Task ADecryptedPayloadThatIsNotAFlowsRequestIs400(string payload)
    {
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(payload)), 400);
    }

    [Theory]
    [InlineData("""{"version":"3.0","action":"INIT","flow_token":"must-not-be-handled","flow_token":"other"}""")]
    [InlineData("""{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":{"a":1,"a":2}}""")]
    [InlineData("""{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":{"name":"\ud800"}}""")]
    [InlineData("""{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":{"name":"\udc00x"}}""")]
    [InlineData("""{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":{"email":"a\u0000@example.com"}}""")]
    [InlineData("""{"version":"3.0","action":"INIT","flow_token":"must-not-\u0000be-handled"}""")]
    [InlineData("""{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":{"n\u0000":1}}""")]
    public async Task DuplicateNamesLoneSurrogatesAndNulsInThePayloadAre400(string payload) =>
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(payload)), 400);

    [Fact]
    public async Task ATokenLongerThanTheLimitIs427WithoutReachingTheHandler()
    {
        var token = "must-not-be-handled" + new string('x', 2000);
        using var response = await _meta.PostAsync(Path, _meta.Seal($$"""{"version":"3.0","action":"INIT","flow_token":"{{token}}"}"""));

        Assert.Equal(427, (int)response.StatusCode);
        Assert.DoesNotContain(_api.Handler.Requests, r => r.FlowToken.StartsWith("must-not-be-handled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APayloadNestedDeeperThanTheLimitIs400()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"a":""", 40)) + "1" + new string('}', 40);
        var payload = """{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":""" + deep + "}";
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(payload)), 400);
    }

    [Fact]
    public async Task AFieldLongerThanTheLimitIs400()
    {
        var name = new string('n', 70 * 1024);
        var payload = """{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":{"name":""" + "\"" + name + "\"}}";
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(payload)), 400);
    }

    [Fact]
    public async Task APayloadThatIsNotUtf8Is400()
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes("""{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"must-not-be-handled","data":{"name":" """);
        byte[] payload = [.. prefix, 0xC3, 0x28, .. "\"}}"u8];
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(payload)), 400);
    }

    [Fact]
    public async Task NoRefusedRequestReachedTheHandler()
    {
        await AssertRefused(await _meta.PostAsync(Path, _meta.Seal(Init), sign: false), 432);
        Assert.Empty(_api.Handler.ErrorNotifications);
    }
}
