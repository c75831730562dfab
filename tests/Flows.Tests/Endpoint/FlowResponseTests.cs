using System.Text;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;

namespace Backend.Flows.Tests.Endpoint;

public sealed class FlowResponseTests
{
    private static string Json(FlowResponse response) => Encoding.UTF8.GetString(response.ToUtf8Json());

    [Fact]
    public void NextScreenCarriesDataAndTheErrorMessageInsideData()
    {
        var response = new NextScreenResponse("SIGN_UP", new JsonObject { ["email"] = "a@b.c" }, "Passwords do not match");
        Assert.Equal("""{"screen":"SIGN_UP","data":{"email":"a@b.c","error_message":"Passwords do not match"}}""", Json(response));
    }

    [Fact]
    public void NextScreenWithoutDataStillSendsAnEmptyDataObject() =>
        Assert.Equal("""{"screen":"START","data":{}}""", Json(new NextScreenResponse("START")));

    [Fact]
    public void CloseFlowPutsTheTokenFirstAndForwardsEveryParam()
    {
        var response = new CloseFlowResponse("tok", new JsonObject { ["stay_logged_in"] = true, ["flow_token"] = "ignored" });
        Assert.Equal(
            """{"screen":"SUCCESS","data":{"extension_message_response":{"params":{"flow_token":"tok","stay_logged_in":true}}}}""",
            Json(response));
    }

    [Fact]
    public void HealthAndAcknowledgementAreMetasExactBodies()
    {
        Assert.Equal("""{"data":{"status":"active"}}""", Json(FlowResponse.HealthCheck));
        Assert.Equal("""{"data":{"acknowledged":true}}""", Json(FlowResponse.Acknowledgement));
    }

    [Fact]
    public void ASealedResponseCannotBeReusedAfterTheExchangeIsDisposed()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var cipher = new FlowCipher(new FlowKeyRing([FlowKeyRing.LoadPrivateKey(rsa.ExportPkcs8PrivateKeyPem())]));
        var client = new Backend.TestSupport.Meta.MetaFlowClient(new HttpClient(), rsa);
        var sealedRequest = client.Seal("""{"version":"3.0","action":"ping"}""");
        var exchange = cipher.Open(new FlowEnvelope(sealedRequest.EncryptedFlowData, sealedRequest.EncryptedAesKey, sealedRequest.Iv));
        var answer = exchange.Seal(FlowResponse.HealthCheck);
        Assert.Equal("""{"data":{"status":"active"}}""", sealedRequest.OpenResponse(answer));

        exchange.Dispose();
        Assert.Throws<ObjectDisposedException>(() => exchange.Seal(FlowResponse.HealthCheck));
    }
}
