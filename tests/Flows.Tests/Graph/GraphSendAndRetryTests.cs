using System.Net;
using System.Text.Json.Nodes;
using Backend.Flows.Graph;
using Backend.TestSupport.Graph;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backend.Flows.Tests.Graph;

public sealed class GraphSendAndRetryTests : GraphClientTest
{
    private const string ValidFlowJson = """{"version":"7.3","screens":[{"id":"START"}]}""";

    private FlowMessage Message(string flowId) => new()
    {
        To = "+15550001111",
        FlowId = flowId,
        Cta = "Sign up",
        Body = "Finish signing up",
        FlowToken = "tok-1",
    };

    [Fact]
    public async Task SendFlowMessageNavigateWritesTheDocumentedMessage()
    {
        var flow = Server.AddFlow("Sign up", FlowState.Published, ValidFlowJson);

        var sent = await Client.SendFlowMessageAsync(Message(flow.Id) with
        {
            Header = "Welcome",
            Footer = "Takes a minute",
            Screen = "START",
            Data = new JsonObject { ["name"] = "Ada" },
        });

        Assert.Equal("wamid.FAKE000001", sent.MessageId);
        Assert.Equal("15550001111", sent.Contacts[0].WaId);
        var request = Server.Requests.Single();
        Assert.Equal($"/v23.0/{Server.PhoneNumberId}/messages", request.Path);
        Assert.Equal(
            "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+15550001111\",\"type\":\"interactive\"," +
            "\"interactive\":{\"type\":\"flow\",\"header\":{\"type\":\"text\",\"text\":\"Welcome\"},\"body\":{\"text\":\"Finish signing up\"},\"footer\":{\"text\":\"Takes a minute\"}," +
            "\"action\":{\"name\":\"flow\",\"parameters\":{\"flow_message_version\":\"3\",\"flow_token\":\"tok-1\",\"flow_id\":\"" + flow.Id + "\"," +
            "\"flow_cta\":\"Sign up\",\"flow_action\":\"navigate\",\"flow_action_payload\":{\"screen\":\"START\",\"data\":{\"name\":\"Ada\"}},\"mode\":\"published\"}}}}",
            request.BodyText);
    }

    [Fact]
    public async Task SendFlowMessageDataExchangeByNameInDraftModeHasNoPayload()
    {
        Server.AddFlow("Sign up");

        await Client.SendFlowMessageAsync(Message("") with { FlowId = null, FlowName = "Sign up", Action = FlowMessageAction.DataExchange, Mode = FlowMessageMode.Draft });

        var parameters = Server.SentMessages.Single()["interactive"]!["action"]!["parameters"]!.AsObject();
        Assert.Equal("Sign up", parameters["flow_name"]!.GetValue<string>());
        Assert.False(parameters.ContainsKey("flow_id"));
        Assert.False(parameters.ContainsKey("flow_action_payload"));
        Assert.Equal("data_exchange", parameters["flow_action"]!.GetValue<string>());
        Assert.Equal("draft", parameters["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendFlowMessageCanSendPayloadDataAsAString()
    {
        await using var f = new GraphClientFixture(o => o.SendFlowActionDataAsString = true);
        var flow = f.Server.AddFlow("S", FlowState.Published, ValidFlowJson);

        await f.Client.SendFlowMessageAsync(Message(flow.Id) with { Screen = "START", Data = new JsonObject { ["a"] = 1 } });

        var payload = f.Server.SentMessages.Single()["interactive"]!["action"]!["parameters"]!["flow_action_payload"]!;
        Assert.Equal("""{"a":1}""", payload["data"]!.GetValue<string>());
        Assert.Empty(f.Server.Rejections);
    }

    [Fact]
    public async Task SendFlowMessageChecksLimitsBeforeSending()
    {
        var tooLong = Message("1") with { Body = new string('b', 1025), Header = new string('h', 61), Footer = new string('f', 61), Cta = new string('c', 31) };
        var both = Message("1") with { FlowName = "x" };
        var payloadOnExchange = Message("1") with { Action = FlowMessageAction.DataExchange, Screen = "START" };
        var emptyData = Message("1") with { Screen = "START", Data = [] };

        Assert.Equal(4, tooLong.Validate().Count);
        Assert.Contains("exactly one of flow_id and flow_name", Assert.Single(both.Validate()));
        Assert.Contains("only allowed with flow_action navigate", Assert.Single(payloadOnExchange.Validate()));
        Assert.Contains("non-empty object", Assert.Single(emptyData.Validate()));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.SendFlowMessageAsync(tooLong));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task SendingABlockedFlowThrowsFlowBlockedException()
    {
        var flow = Server.AddFlow("B", FlowState.Blocked, ValidFlowJson);
        var e = await Assert.ThrowsAsync<FlowBlockedException>(() => Client.SendFlowMessageAsync(Message(flow.Id)));
        Assert.Equal(132068, e.Code);
    }

    [Fact]
    public async Task SendingAThrottledFlowThrowsFlowThrottledException()
    {
        var flow = Server.AddFlow("T", FlowState.Throttled, ValidFlowJson);
        var e = await Assert.ThrowsAsync<FlowThrottledException>(() => Client.SendFlowMessageAsync(Message(flow.Id)));
        Assert.Equal(132069, e.Code);
    }

    public static TheoryData<int, Type> MappedCodes => new()
    {
        { 139000, typeof(FlowBlockedByIntegrityException) },
        { 139006, typeof(FlowMetricsThresholdException) },
        { 190, typeof(GraphAccessTokenException) },
        { 80007, typeof(GraphRateLimitException) },
        { 131000, typeof(GraphApiException) },
    };

    [Theory]
    [MemberData(nameof(MappedCodes))]
    public async Task GraphErrorCodesMapToSpecificExceptions(int code, Type expected)
    {
        await using var f = new GraphClientFixture(o => o.MaxRetries = 0);
        var flow = f.Server.AddFlow("X");
        f.Server.FailNext("GET", flow.Id, HttpStatusCode.BadRequest, code);

        var e = await Assert.ThrowsAnyAsync<GraphApiException>(() => f.Client.GetFlowAsync(flow.Id));

        Assert.IsType(expected, e);
        Assert.Equal(code, e.Code);
        Assert.Equal($"AfakeTrace{code}", e.FbTraceId);
    }

    [Fact]
    public async Task AWrongTokenThrowsGraphAccessTokenException()
    {
        await using var server = FakeGraphServer.Start("the-right-token-000000");
        var client = new WhatsAppGraphClient(new HttpClient(), Options.Create(new WhatsAppGraphOptions
        {
            BaseUrl = server.BaseUrl,
            AccessToken = "a-wrong-token-11111111",
            WabaId = server.WabaId,
        }));

        var e = await Assert.ThrowsAsync<GraphAccessTokenException>(() => client.GetFlowsPageAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.DoesNotContain("a-wrong-token", e.Message);
    }

    [Fact]
    public async Task IdempotentCallIsRetriedAfter503AndSucceeds()
    {
        var flow = Server.AddFlow("R");
        Server.FailNext("GET", flow.Id, HttpStatusCode.ServiceUnavailable, times: 2);

        var details = await Client.GetFlowAsync(flow.Id);

        Assert.Equal("R", details.Name);
        Assert.Equal(3, Server.Requests.Count);
        Assert.Equal(2, Fixture.Time.Delays.Count);
        // Exponential backoff with jitter: attempt n waits between base*2^(n-1)/2 and base*2^(n-1).
        Assert.InRange(Fixture.Time.Delays[0].TotalMilliseconds, 50, 100);
        Assert.InRange(Fixture.Time.Delays[1].TotalMilliseconds, 100, 200);
    }

    [Fact]
    public async Task PublishHonoursRetryAfterOn429()
    {
        var flow = Server.AddFlow("P", flowJson: ValidFlowJson);
        Server.FailNext("POST", flow.Id + "/publish", HttpStatusCode.TooManyRequests, code: 4, retryAfterSeconds: 7);

        await Client.PublishFlowAsync(flow.Id);

        Assert.Equal(2, Server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(7)], Fixture.Time.Delays);
        Assert.Equal(FlowState.Published, Server.Flows[flow.Id].Status);
    }

    [Fact]
    public async Task RetriesAreBounded()
    {
        var flow = Server.AddFlow("R", flowJson: ValidFlowJson);
        Server.FailNext("POST", flow.Id + "/assets", HttpStatusCode.ServiceUnavailable, times: 10);

        var e = await Assert.ThrowsAsync<GraphApiException>(() => Client.UploadFlowJsonAsync(flow.Id, ValidFlowJson));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal(4, Server.Requests.Count); // 1 + MaxRetries (3)
        Assert.Equal(3, Fixture.Time.Delays.Count);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheMaximumDelayEndsTheRetries()
    {
        var flow = Server.AddFlow("R");
        Server.FailNext("GET", flow.Id, HttpStatusCode.TooManyRequests, code: 4, retryAfterSeconds: 3600);

        var e = await Assert.ThrowsAsync<GraphRateLimitException>(() => Client.GetFlowAsync(flow.Id));

        Assert.Equal(TimeSpan.FromHours(1), e.Error.RetryAfter);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task TransientGraphErrorsOn400AreRetried()
    {
        var flow = Server.AddFlow("R");
        Server.FailNext("DELETE", flow.Id, HttpStatusCode.BadRequest, code: 131000, isTransient: true);

        await Client.DeleteFlowAsync(flow.Id);

        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task ANonGraphErrorPageIsReportedWithItsStatus()
    {
        await using var f = new GraphClientFixture(o => o.MaxRetries = 0);
        var flow = f.Server.AddFlow("X");
        f.Server.AnswerNextRaw("GET", flow.Id, HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        var e = await Assert.ThrowsAsync<GraphApiException>(() => f.Client.GetFlowAsync(flow.Id));

        Assert.Equal((HttpStatusCode.BadGateway, 0), (e.StatusCode, e.Code));
        Assert.Contains("HTTP 502", e.Message);
    }

    [Fact]
    public async Task AnUnreadableSuccessAnswerIsAGraphErrorNotAJsonException()
    {
        var flow = Server.AddFlow("X");
        Server.AnswerNextRaw("GET", flow.Id, HttpStatusCode.OK, "{\"id\": ");

        var e = await Assert.ThrowsAsync<GraphApiException>(() => Client.GetFlowAsync(flow.Id));

        Assert.Contains("Unreadable answer", e.Message);
    }

    [Fact]
    public async Task SendingIsNeverRetried()
    {
        var flow = Server.AddFlow("S", FlowState.Published, ValidFlowJson);
        Server.FailNext("POST", "/messages", HttpStatusCode.ServiceUnavailable, times: 5);

        await Assert.ThrowsAsync<GraphApiException>(() => Client.SendFlowMessageAsync(Message(flow.Id)));

        Assert.Single(Server.Requests);
        Assert.Empty(Fixture.Time.Delays);
    }

    [Fact]
    public async Task CreatingIsNeverRetried()
    {
        Server.FailNext("POST", "/flows", HttpStatusCode.TooManyRequests, code: 4, retryAfterSeconds: 1);

        await Assert.ThrowsAsync<GraphRateLimitException>(() => Client.CreateFlowAsync(new CreateFlowRequest("C", [FlowCategory.Other])));

        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task ATimedOutAttemptIsRetried()
    {
        await using var f = new GraphClientFixture(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300));
        var flow = f.Server.AddFlow("Slow");
        f.Server.FailNext("GET", flow.Id, HttpStatusCode.ServiceUnavailable, delay: TimeSpan.FromSeconds(2));

        var details = await f.Client.GetFlowAsync(flow.Id);

        Assert.Equal("Slow", details.Name);
        Assert.Equal(2, f.Server.Requests.Count);
    }

    [Fact]
    public async Task AnUnreachableServerGivesGraphUnreachableExceptionAfterTheRetries()
    {
        await using var f = new GraphClientFixture(o => o.MaxRetries = 2);
        await f.Server.DisposeAsync();

        var e = await Assert.ThrowsAsync<GraphUnreachableException>(() => f.Client.GetFlowAsync("123"));

        Assert.Equal(3, e.Attempts);
        Assert.Contains("123", e.Message);
    }

    [Fact]
    public async Task LogsNeverContainTheAccessToken()
    {
        var flow = Server.AddFlow("L", flowJson: ValidFlowJson);
        Server.FailNext("GET", flow.Id, HttpStatusCode.ServiceUnavailable);
        await Client.GetFlowAsync(flow.Id);
        await Assert.ThrowsAsync<FlowDeprecateException>(() => Client.DeprecateFlowAsync(flow.Id));

        var lines = Fixture.Logs.Lines;
        Assert.Contains(lines, l => l.Contains("retrying", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(Server.AccessToken, StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidOptionsAreRefused()
    {
        var services = new ServiceCollection();
        services.AddWhatsAppGraphClient(o =>
        {
            o.AccessToken = "";
            o.BaseUrl = new Uri("http://graph.example.com");
            o.ApiVersion = "23";
            o.WabaId = "abc";
        });
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WhatsAppGraphOptions>>().Value);

        Assert.Contains(e.Failures, m => m.Contains("AccessToken", StringComparison.Ordinal));
        Assert.Contains(e.Failures, m => m.Contains("https", StringComparison.Ordinal));
        Assert.Contains(e.Failures, m => m.Contains("ApiVersion", StringComparison.Ordinal));
        Assert.Contains(e.Failures, m => m.Contains("WabaId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OptionsBindFromAConfigurationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WhatsAppGraph:BaseUrl"] = Server.BaseUrl.ToString(),
            ["WhatsAppGraph:AccessToken"] = Server.AccessToken,
            ["WhatsAppGraph:WabaId"] = Server.WabaId,
            ["WhatsAppGraph:MaxRetries"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddWhatsAppGraphClient(configuration.GetSection(WhatsAppGraphOptions.SectionName));
        await using var provider = services.BuildServiceProvider();
        Server.AddFlow("Bound");

        var page = await provider.GetRequiredService<IWhatsAppGraphClient>().GetFlowsPageAsync();

        Assert.Equal("Bound", Assert.Single(page.Data).Name);
        Assert.Equal(1, provider.GetRequiredService<IOptions<WhatsAppGraphOptions>>().Value.MaxRetries);
    }

    [Fact]
    public void OptionsDescribeThemselvesWithTheTokenMasked()
    {
        var options = new WhatsAppGraphOptions { AccessToken = "EAAGsecretsecretsecretWXYZ" };
        Assert.DoesNotContain("secret", options.ToString());
        Assert.Contains("****WXYZ", options.ToString());
    }

    [Fact]
    public async Task TheFakeServerRejectsRequestsThatDifferFromTheProtocol()
    {
        var flow = Server.AddFlow("F");
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl, "/v23.0/") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Server.AccessToken);

        using var wrongName = new MultipartFormDataContent
        {
            { new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), "file", "flow.json" },
            { new StringContent("other.json"), "name" },
            { new StringContent("FLOW_JSON"), "asset_type" },
        };
        var upload = await http.PostAsync($"{flow.Id}/assets", wrongName);
        var publishWithBody = await http.PostAsync($"{flow.Id}/publish", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var keyAsJson = await http.PostAsync($"{Server.PhoneNumberId}/whatsapp_business_encryption", new StringContent("""{"business_public_key":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        http.DefaultRequestHeaders.Authorization = null;
        var noAuth = await http.GetAsync(flow.Id);

        Assert.All(new[] { upload, publishWithBody, keyAsJson, noAuth }, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Contains("part 'name' must be exactly flow.json", await upload.Content.ReadAsStringAsync());
        var rejections = Server.Rejections;
        Assert.Equal(4, rejections.Count);
        Assert.Contains("takes no body", rejections[1]);
        Assert.Contains("application/x-www-form-urlencoded", rejections[2]);
        Assert.Contains("Authorization: Bearer", rejections[3]);
        // These were deliberate: clear them so DisposeAsync's check stays meaningful for other tests.
        await Fixture.DisposeAsync();
        Fixture = new GraphClientFixture();
    }
}
