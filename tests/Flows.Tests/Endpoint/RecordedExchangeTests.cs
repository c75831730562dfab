using System.Text;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.TestSupport.Meta;

namespace Backend.Flows.Tests.Endpoint;

/// <summary>The four exchanges recorded against Meta's reference endpoint, reproduced byte for byte.</summary>
public sealed class RecordedExchangeTests : IDisposable
{
    private readonly FlowCipher _cipher = new(new FlowKeyRing([
        FlowKeyRing.LoadPrivateKey(RecordedExchange.PrivateKeyPem, RecordedExchange.Passphrase)]));

    public static TheoryData<string> Names() => [.. RecordedExchange.All().Select(e => e.Name)];

    private static RecordedExchange Get(string name) => RecordedExchange.All().Single(e => e.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void RecordedRequestDecryptsToTheRecordedPlaintext(string name)
    {
        var recorded = Get(name);
        var envelope = FlowEnvelope.Parse(Encoding.UTF8.GetBytes(recorded.EnvelopeJson));

        using var exchange = _cipher.Open(envelope);

        Assert.Equal(recorded.RequestPlaintext, Encoding.UTF8.GetString(exchange.Plaintext));
        Assert.Equal(recorded.Iv, envelope.InitialVector);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void RecordedKeyUnwrapsToTheRecordedAesKey(string name)
    {
        var recorded = Get(name);
        var aesKey = new byte[FlowKeyRing.AesKeyLength];

        Assert.True(_cipher.Keys.TryUnwrapAesKey(Convert.FromBase64String(recorded.EncryptedAesKey), aesKey));
        Assert.Equal(recorded.AesKey, aesKey);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EncryptingTheRecordedResponseGivesTheRecordedBodyByteForByte(string name)
    {
        var recorded = Get(name);

        var body = FlowAesGcm.EncryptResponse(recorded.AesKey, recorded.Iv, Encoding.UTF8.GetBytes(recorded.DecryptedResponse));

        Assert.Equal(recorded.RawResponseBody, body);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MetasSideSealsTheRecordedRequestAndOpensTheRecordedAnswer(string name)
    {
        var recorded = Get(name);
        using var sealer = new FlowRequestSealer(RecordedExchange.PublicKeyPem);

        sealer.Seal(Encoding.UTF8.GetBytes(recorded.RequestPlaintext), recorded.AesKey, recorded.Iv);

        Assert.Equal(recorded.EncryptedFlowData, Convert.ToBase64String(sealer.EncryptedFlowData));
        Assert.True(sealer.TryOpen(Encoding.UTF8.GetBytes(recorded.RawResponseBody), out var answer));
        Assert.Equal(recorded.DecryptedResponse, Encoding.UTF8.GetString(answer));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheTypedAnswerToEachRecordedRequestSealsToTheRecordedBody(string name)
    {
        var recorded = Get(name);
        using var exchange = _cipher.Open(FlowEnvelope.Parse(Encoding.UTF8.GetBytes(recorded.EnvelopeJson)));
        var request = exchange.ParseRequest();

        // The answers Meta's reference endpoint gives, built with the typed responses.
        FlowResponse answer = request switch
        {
            HealthCheckRequest => FlowResponse.HealthCheck,
            ErrorNotificationRequest => FlowResponse.Acknowledgement,
            DataExchangeRequest { Action: FlowRequestAction.Init } => new NextScreenResponse("MY_SCREEN", new JsonObject { ["greeting"] = "Hey there! 👋" }),
            DataExchangeRequest { Action: FlowRequestAction.DataExchange } d => new CloseFlowResponse(d.FlowToken),
            _ => throw new InvalidOperationException(name),
        };

        Assert.Equal(recorded.DecryptedResponse, Encoding.UTF8.GetString(answer.ToUtf8Json()));
        Assert.Equal(recorded.RawResponseBody, exchange.Seal(answer));
    }

    [Fact]
    public void RecordedRequestsParseToTheirTypedForms()
    {
        var requests = RecordedExchange.All().ToDictionary(e => e.Name, e => FlowRequest.Parse(Encoding.UTF8.GetBytes(e.RequestPlaintext)));

        Assert.IsType<HealthCheckRequest>(requests["01"]);
        var init = Assert.IsType<DataExchangeRequest>(requests["02"]);
        Assert.Equal((FlowRequestAction.Init, "tok-123", null), (init.Action, init.FlowToken, init.Screen));
        var submit = Assert.IsType<DataExchangeRequest>(requests["03"]);
        Assert.Equal((FlowRequestAction.DataExchange, "MY_SCREEN", "Ana"), (submit.Action, submit.Screen, (string?)submit.Data["name"]));
        var error = Assert.IsType<ErrorNotificationRequest>(requests["04"]);
        Assert.Equal(("invalid-screen-transition", "test error notification", "tok-123"), (error.ErrorKey, error.ErrorMessage, error.FlowToken));
    }

    public void Dispose() => _cipher.Keys.Dispose();
}
