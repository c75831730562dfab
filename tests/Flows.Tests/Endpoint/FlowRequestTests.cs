using System.Text;
using Backend.Flows.Endpoint;

namespace Backend.Flows.Tests.Endpoint;

public sealed class FlowRequestTests
{
    private static FlowRequest Parse(string json) => FlowRequest.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void AnErrorNotificationWithErrorKeyAsTheDocsTableNamesItIsRecognised()
    {
        var request = Parse("""{"version":"3.0","action":"data_exchange","screen":"A","flow_token":"t","data":{"error_key":"payload-schema-error","error_message":"m"}}""");
        var notification = Assert.IsType<ErrorNotificationRequest>(request);
        Assert.Equal(("payload-schema-error", "m", "A"), (notification.ErrorKey, notification.ErrorMessage, notification.Screen));
    }

    [Fact]
    public void BackWithoutScreenOrDataIsADataExchangeWithEmptyData()
    {
        var request = Assert.IsType<DataExchangeRequest>(Parse("""{"version":"3.0","action":"BACK","flow_token":"t"}"""));
        Assert.Equal((FlowRequestAction.Back, null, 0), (request.Action, request.Screen, request.Data.Count));
    }

    [Fact]
    public void KeepsTheFlowTokenSignatureWhenPresent()
    {
        var request = Assert.IsType<DataExchangeRequest>(Parse("""{"version":"3.0","action":"INIT","flow_token":"t","flow_token_signature":"a.b.c"}"""));
        Assert.Equal("a.b.c", request.FlowTokenSignature);
    }

    [Fact]
    public void DataKeepsArbitraryJsonValues()
    {
        var request = Assert.IsType<DataExchangeRequest>(Parse("""{"version":"3.0","action":"data_exchange","screen":"S","flow_token":"t","data":{"n":1.5,"b":true,"a":["x"],"o":{"k":"v"}}}"""));
        Assert.Equal(1.5, (double)request.Data["n"]!);
        Assert.Equal("v", (string?)request.Data["o"]!["k"]);
    }

    [Theory]
    [InlineData("""{"action":"ping"}""", FlowRequestError.MalformedPayload, "'version' is required")]
    [InlineData("""{"version":"2.0","action":"ping"}""", FlowRequestError.UnsupportedVersion, "Unsupported payload version")]
    [InlineData("""{"version":"3.0"}""", FlowRequestError.MalformedPayload, "'action' is required")]
    [InlineData("""{"version":"3.0","action":"DELETE_EVERYTHING","flow_token":"t"}""", FlowRequestError.MalformedPayload, "unknown action")]
    [InlineData("""{"version":"3.0","action":"INIT"}""", FlowRequestError.MalformedPayload, "'flow_token' is required")]
    [InlineData("""{"version":"3.0","action":"INIT","flow_token":""}""", FlowRequestError.MalformedPayload, "'flow_token' is required")]
    [InlineData("""{"version":"3.0","action":"INIT","flow_token":7}""", FlowRequestError.MalformedPayload, "'flow_token' must be a string")]
    [InlineData("""{"version":"3.0","action":"INIT","flow_token":"t","data":[1]}""", FlowRequestError.MalformedPayload, "'data' must be an object")]
    [InlineData("""[1,2]""", FlowRequestError.MalformedPayload, "must be a JSON object")]
    [InlineData("""{"version":"3.0",""", FlowRequestError.MalformedPayload, "not valid JSON")]
    public void RefusesPayloadsThatAreNotFlowsRequests(string json, FlowRequestError error, string fragment)
    {
        var ex = Assert.Throws<FlowRequestException>(() => Parse(json));
        Assert.Equal(error, ex.Error);
        Assert.Contains(fragment, ex.Message);
    }

    [Theory]
    [InlineData("""{"version":"3.0","action":"SECRET-VALUE","flow_token":"t"}""")]
    [InlineData("""{"version":"SECRET-VALUE","action":"INIT","flow_token":"t"}""")]
    public void MessagesAboutBadPayloadsNeverEchoDecryptedValues(string json)
    {
        var ex = Assert.Throws<FlowRequestException>(() => Parse(json));
        Assert.DoesNotContain("SECRET-VALUE", ex.Message);
    }
}
