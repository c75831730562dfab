using System.Text;
using Backend.Flows.Security;

namespace Backend.Flows.Tests.Endpoint;

public sealed class HubSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"text":"\u00e4 escaped as Meta sends it"}""");

    [Fact]
    public void AcceptsMetasSignatureOfTheRawBytes()
    {
        var verifier = new HubSignature(["secret"]);
        Assert.True(verifier.Verify(Body, HubSignature.Sign(Body, "secret")));
    }

    [Fact]
    public void AcceptsUppercaseHexAndPrefix()
    {
        var verifier = new HubSignature(["secret"]);
        Assert.True(verifier.Verify(Body, HubSignature.Sign(Body, "secret").ToUpperInvariant()));
    }

    [Fact]
    public void AcceptsEitherSecretDuringRotation()
    {
        var verifier = new HubSignature(["new", "old"]);
        Assert.True(verifier.Verify(Body, HubSignature.Sign(Body, "old")));
        Assert.True(verifier.Verify(Body, HubSignature.Sign(Body, "new")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=0123")]
    [InlineData("sha256=zz")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    public void RefusesMissingMalformedOrWrongSignatures(string? header)
    {
        Assert.False(new HubSignature(["secret"]).Verify(Body, header));
    }

    [Fact]
    public void RefusesASignatureMadeWithAnotherSecret() =>
        Assert.False(new HubSignature(["secret"]).Verify(Body, HubSignature.Sign(Body, "guess")));

    [Fact]
    public void RefusesASignatureOfADifferentBody()
    {
        var reserialized = Encoding.UTF8.GetBytes("""{"text":"ä escaped as Meta sends it"}""");
        Assert.False(new HubSignature(["secret"]).Verify(reserialized, HubSignature.Sign(Body, "secret")));
    }

    [Fact]
    public void WithoutSecretsNothingVerifies()
    {
        var verifier = new HubSignature(["", ""]);
        Assert.False(verifier.IsConfigured);
        Assert.False(verifier.Verify(Body, HubSignature.Sign(Body, "")));
    }
}
