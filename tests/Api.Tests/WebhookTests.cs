using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Backend.TestSupport.Meta;

namespace Backend.Api.Tests;

public sealed class WebhookTests : IClassFixture<FlowsApiFactory>
{
    private readonly FlowsApiFactory _api;
    private readonly HttpClient _http;

    public WebhookTests(FlowsApiFactory api)
    {
        _api = api;
        _http = api.Http();
    }

    private static string Completion(string messageId, string flowToken) => """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
          "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
          "contacts":[{"profile":{"name":"Ana"},"wa_id":"16505551234"}],
          "messages":[{"context":{"from":"15550783881","id":"wamid.FLOW"},"from":"16505551234","id":"MESSAGE_ID","timestamp":"1714510003","type":"interactive",
            "interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent","response_json":"{\"flow_token\":\"FLOW_TOKEN\",\"stay_logged_in\":true}"}}}]}}]}]}
        """.Replace("MESSAGE_ID", messageId, StringComparison.Ordinal).Replace("FLOW_TOKEN", flowToken, StringComparison.Ordinal);

    private async Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = content };
        if (signature is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        }
        return await _http.SendAsync(message);
    }

    private Task<HttpResponseMessage> PostSignedAsync(string body) =>
        PostAsync(body, MetaFlowClient.Sign(Encoding.UTF8.GetBytes(body), FlowsApiFactory.AppSecret));

    [Fact]
    public async Task TheSubscriptionCheckEchoesTheChallenge()
    {
        using var response = await _http.GetAsync($"/webhook?hub.mode=subscribe&hub.verify_token={FlowsApiFactory.VerifyToken}&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("subscribe", "wrong-token")]
    [InlineData("subscribe", "")]
    [InlineData("unsubscribe", FlowsApiFactory.VerifyToken)]
    public async Task AWrongVerifyTokenOrModeIs403(string mode, string token)
    {
        using var response = await _http.GetAsync($"/webhook?hub.mode={mode}&hub.verify_token={token}&hub.challenge=42");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEqual("42", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ASignedCompletionIsDeliveredOnceEvenWhenMetaRetries()
    {
        var body = Completion("wamid.ONCE", "tok-once");

        using var first = await PostSignedAsync(body);
        using var retry = await PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var completion = Assert.Single(_api.Sink.Completions, c => c.MessageId == "wamid.ONCE");
        Assert.Equal("tok-once", completion.FlowToken);
        Assert.True((bool)completion.Response["stay_logged_in"]!);
    }

    [Fact]
    public async Task AnUnsignedPostIsRefusedAndDeliversNothing()
    {
        using var response = await PostAsync(Completion("wamid.UNSIGNED", "t"), signature: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(_api.Sink.Completions, c => c.MessageId == "wamid.UNSIGNED");
    }

    [Fact]
    public async Task APostSignedWithAnotherSecretIsRefusedAndDeliversNothing()
    {
        var body = Completion("wamid.FORGED", "t");
        using var response = await PostAsync(body, MetaFlowClient.Sign(Encoding.UTF8.GetBytes(body), "guessed-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(_api.Sink.Completions, c => c.MessageId == "wamid.FORGED");
    }

    [Fact]
    public async Task ASignedBodyThatIsNotANotificationIs400()
    {
        using var response = await PostSignedAsync("""{"hello":"world"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task WhenHandlingFailsMetasRetryIsHandled()
    {
        var body = Completion("wamid.RETRY", "tok-retry");
        Interlocked.Exchange(ref _api.Sink.FailuresToInject, 1);

        using var failed = await PostSignedAsync(body);
        using var retried = await PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Single(_api.Sink.Completions, c => c.MessageId == "wamid.RETRY");
    }

    [Fact]
    public async Task FlowStatusEventsAreDelivered()
    {
        using var response = await PostSignedAsync("""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"flows","value":{"event":"FLOW_STATUS_CHANGE","flow_id":"77","old_status":"DRAFT","new_status":"PUBLISHED"}}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_api.Sink.Events, e => e.FlowId == "77" && e.NewStatus == "PUBLISHED");
    }
}
