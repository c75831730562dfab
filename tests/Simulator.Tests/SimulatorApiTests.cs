using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Backend.Api.Tests;
using Backend.Api.Simulator;
using Backend.Flows.Endpoint;
using Backend.Flows.Media;
using Backend.Flows.Security;
using Backend.TestSupport.Dashboard;
using Microsoft.Extensions.DependencyInjection;

namespace Backend.Simulator.Tests;

/// <summary>The simulator's JSON API without a browser: sign-in, refusals, the validator's findings, the relay's protocol findings.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class SimulatorApiTests(SimulatorSite site)
{
    private const string Api = "/dashboard/simulator/api";

    [Fact]
    public async Task PageAndApiNeedTheDashboardSignIn()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.ApiUrl };
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/dashboard/simulator");
        pageRequest.Headers.Accept.ParseAdd("text/html");
        using var page = await anonymous.SendAsync(pageRequest);
        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.Equal("/dashboard/signin?return=%2Fdashboard%2Fsimulator", page.Headers.Location!.OriginalString);
        using var flows = await anonymous.GetAsync($"{Api}/flows");
        Assert.Equal(HttpStatusCode.Unauthorized, flows.StatusCode);
        using var exchange = await anonymous.PostAsJsonAsync($"{Api}/exchange", new { endpoint_url = site.BaseUrl + "/flows/sign_up", request = new { action = "ping" } });
        Assert.Equal(HttpStatusCode.Unauthorized, exchange.StatusCode);
    }

    [Theory]
    [InlineData("/dashboard/simulator?flow=booking", "/dashboard/simulator?flow=booking")]
    [InlineData("//evil.example/dashboard/simulator", "/dashboard")]
    [InlineData("https://evil.example/dashboard/simulator", "/dashboard")]
    [InlineData("/dashboard/simulator/..\\..\\x", "/dashboard")]
    [InlineData("/dashboard/orleans", "/dashboard")]
    [InlineData("", "/dashboard")]
    public async Task SignInReturnsToASimulatorPageAndNowhereElse(string returnTo, string expected)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.ApiUrl };
        using var signIn = await http.PostAsync("/dashboard/signin", new FormUrlEncodedContent([new("token", Backend.Api.Tests.SignUp.ProductApi.AdminToken), new("return", returnTo)]));
        Assert.Equal(HttpStatusCode.Found, signIn.StatusCode);
        Assert.Equal(expected, signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignedInThePageIsServedWithAStrictPolicyAndListsTheCatalog()
    {
        using var client = await site.SignInAsync();
        using var page = await client.Http.GetAsync("/dashboard/simulator");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        var flows = await client.Http.GetFromJsonAsync<JsonArray>($"{Api}/flows");
        Assert.Equal(["sign_up", "booking"], flows!.Select(f => (string)f!["name"]!));
        var signUp = await client.Http.GetFromJsonAsync<JsonObject>($"{Api}/flows/sign_up");
        Assert.Equal(0, (int)signUp!["errors"]!);
        Assert.Equal(site.BaseUrl + "/flows/sign_up", (string?)signUp["endpoint_url"]);
        Assert.Equal("START", (string?)signUp["flow_json"]!["screens"]![0]!["id"]);
        using var missing = await client.Http.GetAsync($"{Api}/flows/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("http://example.com/flows/sign_up")]
    [InlineData("http://10.1.2.3:5080/flows/sign_up")]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("ftp://127.0.0.1/flows/sign_up")]
    [InlineData("http://user:pass@127.0.0.1/flows/sign_up")]
    [InlineData("not a url")]
    public async Task RelayRefusesEndpointsOffThisMachine(string url)
    {
        using var client = await site.SignInAsync();
        using var exchange = await client.Http.PostAsJsonAsync($"{Api}/exchange", new { endpoint_url = url, request = new { version = "3.0", action = "ping" } });
        Assert.Equal(HttpStatusCode.BadRequest, exchange.StatusCode);
        Assert.Contains("endpoint_url", await exchange.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var session = await client.Http.PostAsJsonAsync($"{Api}/sessions", new { flow = "sign_up", endpoint_url = url });
        Assert.Equal(HttpStatusCode.BadRequest, session.StatusCode);
    }

    [Fact]
    public async Task RelayRefusesARequestWithoutAnActionOrABadKey()
    {
        using var client = await site.SignInAsync();
        using var noAction = await client.Http.PostAsJsonAsync($"{Api}/exchange", new { endpoint_url = site.BaseUrl + "/flows/sign_up", request = new { version = "3.0" } });
        Assert.Equal(HttpStatusCode.BadRequest, noAction.StatusCode);
        using var badKey = await client.Http.PostAsJsonAsync($"{Api}/exchange",
            new { endpoint_url = site.BaseUrl + "/flows/sign_up", public_key_pem = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----", request = new { action = "ping" } });
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        using var unknownFlow = await client.Http.PostAsJsonAsync($"{Api}/sessions", new { flow = "nope" });
        Assert.Equal(HttpStatusCode.NotFound, unknownFlow.StatusCode);
    }

    [Fact]
    public async Task UploadThatIsNotJsonAnswers400WithTheValidatorFinding()
    {
        using var client = await site.SignInAsync();
        using var response = await client.Http.PostAsync($"{Api}/flows?name=bad.json", new StringContent("{ \"version\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("INVALID_FLOW_JSON", (string?)problem!["findings"]![0]!["code"]);
        using var text = await client.Http.PostAsync($"{Api}/flows", new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
    }

    [Fact]
    public async Task UploadWithABrokenBindingReturnsTheValidatorFinding()
    {
        using var client = await site.SignInAsync();
        var flow = await UploadAsync(client, "broken-binding-flow.json");
        Assert.True((int)flow["errors"]! > 0);
        var finding = flow["findings"]!.AsArray().First(f => (string?)f!["severity"] == "error")!;
        Assert.Contains("surname", (string?)finding["message"], StringComparison.Ordinal);
        Assert.StartsWith("/screens/1/layout/children/1", (string?)finding["pointer"], StringComparison.Ordinal);
        // The same flow can be fetched back by its key, as the page does.
        var again = await client.Http.GetFromJsonAsync<JsonObject>($"{Api}/flows/{flow["key"]}");
        Assert.Equal(flow["findings"]!.ToJsonString(), again!["findings"]!.ToJsonString());
    }

    [Fact]
    public async Task APickedFileIsUploadedAsMetaUploadsItAndTheProductsMediaDecryptorOpensIt()
    {
        using var client = await site.SignInAsync();
        var file = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a scanned receipt, ", 500)));
        using var upload = await client.Http.PostAsync($"{Api}/media?name=receipt.txt", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var value = (await upload.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("receipt.txt", (string?)value["file_name"]);

        // What an endpoint's handler does with Meta's picker value: read it, download it (anonymously, as from
        // Meta's CDN; plain HTTP allowed for this machine), check both hashes and the MAC, decrypt.
        var services = new ServiceCollection().AddLogging();
        services.AddFlowMediaDecryptor();
        services.Configure<FlowMediaOptions>(o => o.AllowInsecureHttp = true);
        await using var provider = services.BuildServiceProvider();
        var picked = Assert.Single(FlowMediaFile.Read(new JsonObject { ["receipt"] = new JsonArray(value.DeepClone()) }, "receipt"));
        await using var content = await provider.GetRequiredService<FlowMediaDecryptor>().DownloadAsync(picked);
        using var opened = new MemoryStream();
        await content.CopyToAsync(opened);
        Assert.Equal(file, opened.ToArray());

        // The stored file is ciphertext, and an unknown name is not found.
        using var anonymous = new HttpClient { BaseAddress = site.ApiUrl };
        var stored = await anonymous.GetByteArrayAsync((string)value["cdn_url"]!);
        Assert.Equal(file.Length + 16 - file.Length % 16 + FlowMediaDecryptor.MacLength, stored.Length);
        Assert.DoesNotContain("receipt", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        using var unknown = await anonymous.GetAsync("/dashboard/simulator/media/00000000000000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task PickedFilesNeedTheSignInAndHaveASizeLimit()
    {
        using var anonymous = new HttpClient { BaseAddress = site.ApiUrl };
        using var refused = await anonymous.PostAsync($"{Api}/media?name=a.txt", new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var client = await site.SignInAsync();
        using var tooLarge = await client.Http.PostAsync($"{Api}/media?name=big.bin", new ByteArrayContent(new byte[new SimulatorOptions().MaxMediaBytes + 1]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task PingThroughTheRelayIsAnsweredActiveByTheRealEndpoint()
    {
        using var client = await site.SignInAsync();
        var exchange = await ExchangeAsync(client, new { endpoint_url = site.BaseUrl + "/flows/sign_up", request = new { version = "3.0", action = "ping" } });
        Assert.Equal(200, (int)exchange["status"]!);
        Assert.Equal("active", (string?)exchange["response"]!["data"]!["status"]);
        Assert.True((bool)exchange["signed"]!);
        Assert.Empty(exchange["findings"]!.AsArray());
        Assert.True((double)exchange["timings"]!["round_trip_ms"]! > 0);
    }

    [Fact]
    public async Task RelayNamesTheProtocolErrors421427And432()
    {
        using var client = await site.SignInAsync();
        var url = site.BaseUrl + "/flows/sign_up";
        var request = new { version = "3.0", action = "data_exchange", screen = "LOGIN", data = new { email = "a@b.co", password = "x" }, flow_token = FlowTokens.Mint() };

        // A token this backend never issued: 427.
        var unissued = await ExchangeAsync(client, new { endpoint_url = url, request });
        Assert.Equal(427, (int)unissued["status"]!);
        Assert.Equal("flow_token_invalid", (string?)unissued["findings"]![0]!["code"]);

        // Sealed to another key: the endpoint cannot decrypt, 421.
        using var other = System.Security.Cryptography.RSA.Create(2048);
        var wrongKey = await ExchangeAsync(client, new { endpoint_url = url, public_key_pem = other.ExportSubjectPublicKeyInfoPem(), request });
        Assert.Equal(421, (int)wrongKey["status"]!);
        Assert.Equal("key_refresh_needed", (string?)wrongKey["findings"]![0]!["code"]);

        // Signed with another app secret: 432.
        var wrongSecret = await ExchangeAsync(client, new { endpoint_url = url, app_secret = "not-the-secret", request });
        Assert.Equal(432, (int)wrongSecret["status"]!);
        Assert.Equal("signature_rejected", (string?)wrongSecret["findings"]![0]!["code"]);
    }

    [Fact]
    public async Task RelayFlagsAnAnswerNamingAnUnknownScreenOrMissingScreenData()
    {
        using var client = await site.SignInAsync();
        await using var unknown = await RecordingEndpoint.AnsweringAsync(_ => """{"screen":"NOWHERE","data":{}}""");
        var request = new { version = "3.0", action = "data_exchange", screen = "SIGN_UP", data = new { }, flow_token = FlowTokens.Mint() };
        var first = await ExchangeAsync(client, new { flow = "sign_up", endpoint_url = unknown.Url + "flows/x", public_key_pem = unknown.PublicKeyPem, request });
        Assert.Equal(200, (int)first["status"]!);
        Assert.Equal("NOWHERE", (string?)first["response"]!["screen"]);
        Assert.Equal("unknown_screen", (string?)first["findings"]![0]!["code"]);

        await using var partial = await RecordingEndpoint.AnsweringAsync(_ => """{"screen":"LOGIN","data":{"email_initial_value":"a@b.co"}}""");
        var second = await ExchangeAsync(client, new { flow = "sign_up", endpoint_url = partial.Url + "flows/x", public_key_pem = partial.PublicKeyPem, request });
        Assert.Equal("missing_screen_data", (string?)second["findings"]![0]!["code"]);
        Assert.Contains("password_initial_value", (string?)second["findings"]![0]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelayedRequestsAreTheBytesMetaSendsAndTheRealEndpointAcceptsThem()
    {
        using var client = await site.SignInAsync();
        await using var recorder = await RecordingEndpoint.ForwardingAsync(site.ApiUrl);
        var session = await client.Http.PostAsJsonAsync($"{Api}/sessions", new { flow = "sign_up" });
        var started = await session.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)started!["issued"]!);
        var token = (string)started["flow_token"]!;
        var email = $"bytes-{Guid.NewGuid():N}@example.com";
        var request = new
        {
            version = "3.0", action = "data_exchange", screen = "SIGN_UP", flow_token = token,
            data = new { first_name = "Ana", last_name = "Lima", email, password = "secret123", confirm_password = "secret123" },
        };
        var exchange = await ExchangeAsync(client, new { flow = "sign_up", endpoint_url = recorder.Url + "flows/sign_up", request });

        // The real endpoint accepted them: 200, the next screen, and the session moved on.
        Assert.Equal(200, (int)exchange["status"]!);
        Assert.Equal("LOGIN", (string?)exchange["response"]!["screen"]);
        var stored = await site.Api.SessionAsync(token);
        Assert.Equal("LOGIN", (string?)stored!["current_screen"]);

        // What went over the wire passes the product's own checks: the signature, then the key ring and cipher.
        var recorded = Assert.Single(recorder.Requests);
        Assert.Equal("application/json", recorded.Headers["Content-Type"]);
        Assert.True(new HubSignature([FlowsApiFactory.AppSecret]).Verify(recorded.Body, recorded.Headers[HubSignature.HeaderName]));
        Assert.False(new HubSignature(["another-secret"]).Verify(recorded.Body, recorded.Headers[HubSignature.HeaderName]));
        var envelope = JsonNode.Parse(recorded.Body)!.AsObject();
        Assert.Equal(["encrypted_flow_data", "encrypted_aes_key", "initial_vector"], envelope.Select(p => p.Key));
        using var keys = new FlowKeyRing([System.Security.Cryptography.RSA.Create(site.Api.Factory.BusinessKey.ExportParameters(true))]);
        using var opened = new FlowCipher(keys).Open(FlowEnvelope.Parse(recorded.Body));
        var clear = JsonNode.Parse(opened.Plaintext.ToArray())!.AsObject();
        Assert.Equal(exchange["request"]!.ToJsonString(), clear.ToJsonString());
        Assert.Equal(token, (string?)clear["flow_token"]);
        Assert.True(new FlowTokenSignature([FlowsApiFactory.AppSecret]).Verify((string)clear["flow_token_signature"]!, token).IsValid);
        var parsed = Assert.IsType<DataExchangeRequest>(opened.ParseRequest());
        Assert.Equal("SIGN_UP", parsed.Screen);

        // A fresh AES key and IV per request: the same request twice is sealed differently.
        await ExchangeAsync(client, new { flow = "sign_up", endpoint_url = recorder.Url + "flows/sign_up", request = new { version = "3.0", action = "ping" } });
        var both = recorder.Requests.ToArray();
        Assert.NotEqual(JsonNode.Parse(both[0].Body)!["initial_vector"]!.ToString(), JsonNode.Parse(both[1].Body)!["initial_vector"]!.ToString());
        Assert.NotEqual(JsonNode.Parse(both[0].Body)!["encrypted_aes_key"]!.ToString(), JsonNode.Parse(both[1].Body)!["encrypted_aes_key"]!.ToString());
    }

    private static async Task<JsonObject> UploadAsync(DashboardClient client, string file)
    {
        using var response = await client.Http.PostAsync($"{Api}/flows?name={file}",
            new StringContent(await File.ReadAllTextAsync(SimulatorSite.FlowFile(file)), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<JsonObject> ExchangeAsync(DashboardClient client, object body)
    {
        using var response = await client.Http.PostAsJsonAsync($"{Api}/exchange", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }
}
