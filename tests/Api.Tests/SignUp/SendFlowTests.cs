using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Backend.TestSupport.Graph;

namespace Backend.Api.Tests.SignUp;

/// <summary>Sending a flow from the product: a fresh session, then the message through Meta's Graph API (a local fake).</summary>
public sealed class SendFlowTests(SignUpDatabase database) : IClassFixture<SignUpDatabase>, IAsyncLifetime
{
    private FakeGraphServer _graph = null!;
    private ProductApi _api = null!;
    private string _flowId = null!;

    public Task InitializeAsync()
    {
        _graph = FakeGraphServer.Start();
        _flowId = _graph.AddFlow("Sign up", FlowState.Published).Id;
        _api = new ProductApi(database.ConnectionString, configure: factory =>
        {
            factory.Settings["WhatsApp:BaseUrl"] = _graph.BaseUrl.ToString();
            factory.Settings["WhatsApp:AccessToken"] = _graph.AccessToken;
            factory.Settings["WhatsApp:PhoneNumberId"] = _graph.PhoneNumberId;
            factory.Settings["WhatsApp:WabaId"] = _graph.WabaId;
            factory.Settings["WhatsApp:RetryBaseDelay"] = "00:00:00.010";
            factory.Settings["Admin:FlowIds:sign_up"] = _flowId;
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _graph.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/flows/sign_up/send") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", ProductApi.AdminToken);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await _api.Http.SendAsync(request);
    }

    [Fact]
    public async Task SendingIssuesAFreshTokenAndSendsItInTheFlowMessage()
    {
        using var response = await SendAsync(new { to = "15550001111", cta = "Sign up", body = "Create your account", mode = "draft" });
        var sent = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {sent!.ToJsonString()} rejections: {string.Join("; ", _graph.Rejections)}");
        var token = (string)sent!["flow_token"]!;
        Assert.StartsWith("wamid.", (string?)sent["message_id"]);
        var message = Assert.Single(_graph.SentMessages);
        var parameters = message["interactive"]!["action"]!["parameters"]!;
        Assert.Equal((token, _flowId, "draft", "START"),
            ((string?)parameters["flow_token"], (string?)parameters["flow_id"], (string?)parameters["mode"], (string?)parameters["flow_action_payload"]!["screen"]));
        Assert.Empty(_graph.Rejections);

        var session = await _api.SessionAsync(token);
        Assert.Equal(("sent", "15550001111"), ((string?)session!["status"], (string?)session["recipient"]));
        Assert.Equal("LOGIN", (string?)(await _api.SignUpAsync(token, "Ana", "Silva", $"sent-{Guid.NewGuid():N}@example.com", "S3cret-pass")).Answer!["screen"]);
    }

    [Fact]
    public async Task WhenMetaRefusesTheMessageTheTokenIsClosedAndTheErrorReported()
    {
        _graph.FailNext("POST", "/messages", HttpStatusCode.BadRequest, code: 132068, message: "Flow is blocked.");

        using var response = await SendAsync(new { to = "15550002222", body = "Create your account" });
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Flow is blocked", (string?)problem!["detail"]);
        Assert.Single(_graph.RequestsTo("POST", "/messages"));  // a send is never retried
    }

    [Fact]
    public async Task AMessageMetaWouldRefuseIsRefusedBeforeIssuingAnything()
    {
        using var response = await SendAsync(new { to = "15550003333", body = "Create your account", cta = new string('x', 31) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_graph.SentMessages);
    }

    [Fact]
    public async Task ASendRepeatedWithItsIdempotencyKeyAnswersTheFirstResultWithoutSendingAgain()
    {
        var key = $"send-{Guid.NewGuid():N}";
        var body = new { to = "15550004444", body = "Create your account" };

        using var first = await SendAsync(body, key);
        using var again = await SendAsync(body, key);
        var (firstSent, againSent) = (await first.Content.ReadFromJsonAsync<JsonObject>(), await again.Content.ReadFromJsonAsync<JsonObject>());

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal(firstSent!.ToJsonString(), againSent!.ToJsonString());
        Assert.Single(_graph.SentMessages);
    }

    [Fact]
    public async Task AnIdempotencyKeyReusedForAnotherMessageIsRefusedAndSendsNothing()
    {
        var key = $"send-{Guid.NewGuid():N}";
        using var first = await SendAsync(new { to = "15550005555", body = "Create your account" }, key);

        using var other = await SendAsync(new { to = "15550006666", body = "Create your account" }, key);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity), (first.StatusCode, other.StatusCode));
        Assert.Single(_graph.SentMessages);
    }

    [Fact]
    public async Task AnIdempotencyKeyFreedByMetasRefusalSendsOnRetry()
    {
        var key = $"send-{Guid.NewGuid():N}";
        var body = new { to = "15550007777", body = "Create your account" };
        _graph.FailNext("POST", "/messages", HttpStatusCode.BadRequest, code: 132068, message: "Flow is blocked.");

        using var refused = await SendAsync(body, key);
        using var retried = await SendAsync(body, key);

        Assert.Equal((HttpStatusCode.BadGateway, HttpStatusCode.OK), (refused.StatusCode, retried.StatusCode));
        Assert.Single(_graph.SentMessages);
    }
}
