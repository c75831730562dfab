using System.Text;
using Backend.Flows.Endpoint;

namespace Backend.Flows.Tests.Endpoint;

public sealed class FlowEnvelopeTests
{
    private static readonly string Data = Convert.ToBase64String(new byte[40]);
    private static readonly string Key = Convert.ToBase64String(new byte[256]);
    private static readonly string Iv = Convert.ToBase64String(new byte[16]);

    private static FlowEnvelope Parse(string json) => FlowEnvelope.Parse(Encoding.UTF8.GetBytes(json));

    private static void AssertMalformed(string json, string expectedFragment)
    {
        var ex = Assert.Throws<FlowRequestException>(() => Parse(json));
        Assert.Equal(FlowRequestError.MalformedEnvelope, ex.Error);
        Assert.Contains(expectedFragment, ex.Message);
    }

    [Fact]
    public void ParsesTheThreeFields()
    {
        var envelope = Parse($$"""{"encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{Iv}}"}""");
        Assert.Equal((40, 256, 16), (envelope.EncryptedFlowData.Length, envelope.EncryptedAesKey.Length, envelope.InitialVector.Length));
    }

    [Fact]
    public void UnescapesSlashesAsMetasCurlSampleSendsThem()
    {
        var ivWithSlashes = Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 16).ToArray()); // "/////…"
        var json = $$"""{"encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{ivWithSlashes.Replace("/", "\\/")}}"}""";
        Assert.All(Parse(json).InitialVector, b => Assert.Equal(0xFF, b));
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })] // a lead byte without its continuation
    [InlineData(new byte[] { 0xC0, 0xAF })] // an overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a UTF-16 surrogate encoded in UTF-8
    public void RefusesABodyThatIsNotUtf8(byte[] bad)
    {
        byte[] body = [.. "{\"encrypted_flow_data\":\""u8, .. bad, .. "\"}"u8];
        var ex = Assert.Throws<FlowRequestException>(() => FlowEnvelope.Parse(body));
        Assert.Equal(FlowRequestError.MalformedEnvelope, ex.Error);
        Assert.Contains("not UTF-8", ex.Message);
    }

    [Fact]
    public void IgnoresUnknownFields()
    {
        var envelope = Parse($$"""{"x":{"y":[1,2]},"encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{Iv}}"}""");
        Assert.Equal(16, envelope.InitialVector.Length);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("{", "not valid JSON")]
    public void RefusesBodiesThatAreNotAJsonObject(string json, string fragment) => AssertMalformed(json, fragment);

    [Fact]
    public void NamesEveryMissingField() =>
        AssertMalformed($$"""{"encrypted_flow_data":"{{Data}}"}""", "missing field(s): encrypted_aes_key, initial_vector");

    [Fact]
    public void RefusesADuplicatedField() =>
        AssertMalformed($$"""{"encrypted_flow_data":"{{Data}}","encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{Iv}}"}""", "appears twice");

    [Fact]
    public void RefusesANonStringField() =>
        AssertMalformed($$"""{"encrypted_flow_data":42,"encrypted_aes_key":"{{Key}}","initial_vector":"{{Iv}}"}""", "must be a string");

    [Theory]
    [InlineData("@@@@")]
    [InlineData("abc")]
    [InlineData("")]
    public void RefusesInvalidBase64(string bad) =>
        AssertMalformed($$"""{"encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{bad}}"}""", "initial_vector is not valid base64");

    [Theory]
    [InlineData(12)]
    [InlineData(15)]
    [InlineData(32)]
    public void RefusesAnIvThatIsNot16Bytes(int length) =>
        AssertMalformed($$"""{"encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{Convert.ToBase64String(new byte[length])}}"}""", "must be 16 bytes");

    [Fact]
    public void RefusesCiphertextShorterThanTheTag() =>
        AssertMalformed($$"""{"encrypted_flow_data":"{{Convert.ToBase64String(new byte[15])}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{Iv}}"}""", "at least the 16-byte tag");

    [Fact]
    public void RefusesAWrappedKeyThatCannotBeAnRsaBlock() =>
        AssertMalformed($$"""{"encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Convert.ToBase64String(new byte[16])}}","initial_vector":"{{Iv}}"}""", "one RSA block");

    [Fact]
    public void RefusesTrailingContent() =>
        AssertMalformed($$"""{"encrypted_flow_data":"{{Data}}","encrypted_aes_key":"{{Key}}","initial_vector":"{{Iv}}"} {}""", "not valid JSON");
}
