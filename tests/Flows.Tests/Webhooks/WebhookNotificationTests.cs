using System.Text;
using Backend.Flows.Webhooks;

namespace Backend.Flows.Tests.Webhooks;

public sealed class WebhookNotificationTests
{
    // The shape of Meta's "Receiving Flow Response" sample, with a text message and an address message beside it.
    private const string Sample = """
    {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
      "messaging_product":"whatsapp",
      "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
      "contacts":[{"profile":{"name":"Ana"},"wa_id":"16505551234"}],
      "messages":[
        {"context":{"from":"15550783881","id":"wamid.FLOWMSG"},"from":"16505551234","id":"wamid.REPLY1","timestamp":"1714510003","type":"interactive",
         "interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent","response_json":"{\"flow_token\":\"tok-1\",\"stay_logged_in\":true}"}}},
        {"from":"16505551234","id":"wamid.TEXT","timestamp":"1714510004","type":"text","text":{"body":"hi"}},
        {"from":"16505551234","id":"wamid.ADDR","timestamp":"1714510005","type":"interactive",
         "interactive":{"type":"nfm_reply","nfm_reply":{"name":"address_message","body":"Sent","response_json":"{\"flow_token\":\"x\"}"}}}
      ]}}]}]}
    """;

    private static WebhookNotification Parse(string json) => WebhookNotification.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ReadsAFlowCompletionAndParsesResponseJsonASecondTime()
    {
        var notification = Parse(Sample);

        var completion = Assert.Single(notification.Completions);
        Assert.Equal("tok-1", completion.FlowToken);
        Assert.True((bool)completion.Response["stay_logged_in"]!);
        Assert.Equal(("wamid.REPLY1", "16505551234", "Ana", "wamid.FLOWMSG"), (completion.MessageId, completion.From, completion.ContactName, completion.FlowMessageId));
        Assert.Equal(("106540352242922", "102290129340398"), (completion.PhoneNumberId, completion.BusinessAccountId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1714510003), completion.Timestamp);
    }

    [Fact]
    public void IgnoresTextAndAddressMessages() => Assert.Equal(2, Parse(Sample).IgnoredChanges);

    [Theory]
    [InlineData("{\\\"stay\\\":true}")]
    [InlineData("not json")]
    [InlineData("")]
    public void AFlowReplyWithoutAReadableFlowTokenIsAProblemNotACompletion(string responseJson)
    {
        var json = """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[
          {"from":"1","id":"wamid.X","timestamp":"1","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","response_json":"RESPONSE"}}}]}}]}]}
        """.Replace("RESPONSE", responseJson, StringComparison.Ordinal);
        var notification = Parse(json);
        Assert.Empty(notification.Completions);
        Assert.Contains("wamid.X", Assert.Single(notification.Problems));
    }

    [Fact]
    public void ReadsFlowsFieldEvents()
    {
        var notification = Parse("""
        {"object":"whatsapp_business_account","entry":[{"id":"1","time":1,"changes":[{"field":"flows","value":{
          "event":"FLOW_STATUS_CHANGE","message":"Flow Webhook Test changed status from DRAFT to PUBLISHED","flow_id":"6627","old_status":"DRAFT","new_status":"PUBLISHED"}}]}]}
        """);
        var flowEvent = Assert.Single(notification.FlowEvents);
        Assert.Equal(("FLOW_STATUS_CHANGE", "6627", "DRAFT", "PUBLISHED"), (flowEvent.Event, flowEvent.FlowId, flowEvent.OldStatus, flowEvent.NewStatus));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"object":"page","entry":[]}""")]
    public void RefusesBodiesThatAreNotBusinessAccountNotifications(string json)
    {
        Assert.Throws<FormatException>(() => Parse(json));
    }

    [Theory]
    [InlineData("subscribe", "token", "1158201444", "token", true)]
    [InlineData("subscribe", "wrong", "1158201444", "token", false)]
    [InlineData("unsubscribe", "token", "1158201444", "token", false)]
    [InlineData("subscribe", null, "1158201444", "token", false)]
    [InlineData("subscribe", "token", null, "token", false)]
    [InlineData("subscribe", "", "1", "", false)]
    public void VerificationNeedsSubscribeAChallengeAndTheConfiguredToken(string? mode, string? token, string? challenge, string expected, bool valid)
    {
        Assert.Equal(valid, new WebhookVerification(mode, token, challenge).IsValid(expected));
    }
}
