using System.Text;
using System.Text.Json.Nodes;
using Backend.Flows.Security;
using Backend.TestSupport.Meta;
using Microsoft.Extensions.Time.Testing;

namespace Backend.Flows.Tests.Security;

/// <summary>flow_token_signature: HS256 only, every configured secret, the token inside equal to the request's.</summary>
public sealed class FlowTokenSignatureTests
{
    private const string Token = "flow-token-7f3a";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
    private readonly string _secret = MetaTokenJwt.NewSecret();
    private readonly string _previous = MetaTokenJwt.NewSecret();

    private FlowTokenSignature Verifier(params string[] secrets) =>
        new(secrets.Length == 0 ? [_secret] : secrets, time: new FakeTimeProvider(Now));

    private static FlowTokenSignatureFailure? Failure(FlowTokenSignature verifier, string jwt, string token = Token) =>
        verifier.Verify(jwt, token).Failure;

    [Fact]
    public void AJwtSignedWithTheAppSecretForTheRequestsTokenIsValid() =>
        Assert.True(Verifier().Verify(MetaTokenJwt.Sign(Token, _secret), Token).IsValid);

    [Fact]
    public void AJwtSignedWithAnotherSecretIsABadSignature() =>
        Assert.Equal(FlowTokenSignatureFailure.BadSignature, Failure(Verifier(), MetaTokenJwt.Sign(Token, MetaTokenJwt.NewSecret())));

    [Fact]
    public void AJwtForAnotherFlowTokenIsAMismatch() =>
        Assert.Equal(FlowTokenSignatureFailure.FlowTokenMismatch, Failure(Verifier(), MetaTokenJwt.Sign("another-token", _secret)));

    [Theory]
    [InlineData(Token + "x")]
    [InlineData("flow-token-7f3")]
    [InlineData("")]
    public void ATokenThatDiffersInLengthOrByOneCharacterIsAMismatch(string requestToken) =>
        Assert.Equal(FlowTokenSignatureFailure.FlowTokenMismatch, Failure(Verifier(), MetaTokenJwt.Sign(Token, _secret), requestToken));

    [Fact]
    public void AlgNoneIsRefusedEvenWithoutASignatureToCheck() =>
        Assert.NotNull(Failure(Verifier(), MetaTokenJwt.Unsigned(Token)));

    [Fact]
    public void AlgNoneWithASignatureSegmentIsAnUnsupportedAlgorithm()
    {
        var jwt = MetaTokenJwt.Compose(new JsonObject { ["alg"] = "none" }, new JsonObject { ["flow_token"] = Token }, _secret);
        Assert.Equal(FlowTokenSignatureFailure.UnsupportedAlgorithm, Failure(Verifier(), jwt));
    }

    [Theory]
    [InlineData("HS512")]
    [InlineData("HS384")]
    [InlineData("hs256")]
    [InlineData("RS256")]
    [InlineData("")]
    public void AnyOtherAlgorithmIsRefused(string alg)
    {
        var jwt = MetaTokenJwt.Compose(new JsonObject { ["alg"] = alg }, new JsonObject { ["flow_token"] = Token }, _secret, sha512: alg == "HS512");
        Assert.Equal(FlowTokenSignatureFailure.UnsupportedAlgorithm, Failure(Verifier(), jwt));
    }

    [Fact]
    public void ARealRs256JwtIsRefused() =>
        Assert.Equal(FlowTokenSignatureFailure.UnsupportedAlgorithm, Failure(Verifier(), MetaTokenJwt.Rs256(Token)));

    [Fact]
    public void AMissingOrNonStringAlgIsRefused()
    {
        var payload = new JsonObject { ["flow_token"] = Token };
        Assert.Equal(FlowTokenSignatureFailure.UnsupportedAlgorithm, Failure(Verifier(), MetaTokenJwt.Compose(new JsonObject { ["typ"] = "JWT" }, payload, _secret)));
        Assert.Equal(FlowTokenSignatureFailure.UnsupportedAlgorithm, Failure(Verifier(), MetaTokenJwt.Compose(new JsonObject { ["alg"] = 256 }, payload, _secret)));
    }

    [Fact]
    public void CriticalHeaderExtensionsAreRefused()
    {
        var jwt = MetaTokenJwt.Compose(new JsonObject { ["alg"] = "HS256", ["crit"] = new JsonArray("b64"), ["b64"] = false },
            new JsonObject { ["flow_token"] = Token }, _secret);
        Assert.Equal(FlowTokenSignatureFailure.UnsupportedAlgorithm, Failure(Verifier(), jwt));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("..")]
    [InlineData("e30.e30.")]
    public void AnythingButThreeNonEmptySegmentsIsMalformed(string jwt) =>
        Assert.Equal(FlowTokenSignatureFailure.Malformed, Failure(Verifier(), jwt));

    [Fact]
    public void MalformedBase64UrlOrJsonIsMalformed()
    {
        var valid = MetaTokenJwt.Sign(Token, _secret).Split('.');
        var notJson = MetaTokenJwt.Encode(Encoding.UTF8.GetBytes("{not json"));
        var array = MetaTokenJwt.Encode(Encoding.UTF8.GetBytes("[1]"));
        var duplicate = MetaTokenJwt.Encode(Encoding.UTF8.GetBytes("""{"alg":"HS256","alg":"none"}"""));
        string[] cases =
        [
            $"{valid[0]}+.{valid[1]}.{valid[2]}",
            $"{valid[0]}.{valid[1]}=.{valid[2]}",
            $"{valid[0]}.{valid[1]}.{valid[2]}==",
            $"{valid[0]}.{valid[1]}.{valid[2][..^2]}",
            $"{valid[0]} .{valid[1]}.{valid[2]}",
            $"{notJson}.{valid[1]}.{valid[2]}",
            $"{array}.{valid[1]}.{valid[2]}",
            $"{duplicate}.{valid[1]}.{valid[2]}",
        ];
        foreach (var jwt in cases)
        {
            Assert.Equal(FlowTokenSignatureFailure.Malformed, Failure(Verifier(), jwt));
        }
    }

    [Fact]
    public void APayloadThatIsNotJsonIsMalformedOnceTheSignatureHolds()
    {
        var header = MetaTokenJwt.Encode(Encoding.UTF8.GetBytes("""{"alg":"HS256"}"""));
        var payload = MetaTokenJwt.Encode(Encoding.UTF8.GetBytes("not json"));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        Assert.Equal(FlowTokenSignatureFailure.Malformed, Failure(Verifier(), $"{header}.{payload}.{MetaTokenJwt.Encode(mac)}"));
    }

    [Fact]
    public void ATamperedPayloadIsABadSignature()
    {
        var parts = MetaTokenJwt.Sign(Token, _secret).Split('.');
        var forged = MetaTokenJwt.Encode(Encoding.UTF8.GetBytes(new JsonObject { ["flow_token"] = "victim" }.ToJsonString()));
        Assert.Equal(FlowTokenSignatureFailure.BadSignature, Failure(Verifier(), $"{parts[0]}.{forged}.{parts[2]}", "victim"));
    }

    [Fact]
    public void APayloadWithoutTheTokenClaimIsRefused()
    {
        var jwt = MetaTokenJwt.Compose(new JsonObject { ["alg"] = "HS256" }, new JsonObject { ["sub"] = Token }, _secret);
        Assert.Equal(FlowTokenSignatureFailure.MissingFlowToken, Failure(Verifier(), jwt));
        var number = MetaTokenJwt.Compose(new JsonObject { ["alg"] = "HS256" }, new JsonObject { ["flow_token"] = 42 }, _secret);
        Assert.Equal(FlowTokenSignatureFailure.MissingFlowToken, Failure(Verifier(), number, "42"));
    }

    [Fact]
    public void AnotherClaimNameCanBeConfigured()
    {
        var verifier = new FlowTokenSignature([_secret], "sub", new FakeTimeProvider(Now));
        var jwt = MetaTokenJwt.Compose(new JsonObject { ["alg"] = "HS256" }, new JsonObject { ["sub"] = Token }, _secret);
        Assert.True(verifier.Verify(jwt, Token).IsValid);
        Assert.Equal(FlowTokenSignatureFailure.MissingFlowToken, verifier.Verify(MetaTokenJwt.Sign(Token, _secret), Token).Failure);
    }

    [Fact]
    public void ExpAndNbfAreEnforcedWhenPresent()
    {
        JsonObject Claims(string name, long at) => new() { [name] = at };
        var hourAgo = Now.AddHours(-1).ToUnixTimeSeconds();
        var inAnHour = Now.AddHours(1).ToUnixTimeSeconds();

        Assert.True(Verifier().Verify(MetaTokenJwt.Sign(Token, _secret, Claims("exp", inAnHour)), Token).IsValid);
        Assert.True(Verifier().Verify(MetaTokenJwt.Sign(Token, _secret, Claims("nbf", hourAgo)), Token).IsValid);
        Assert.Equal(FlowTokenSignatureFailure.Expired, Failure(Verifier(), MetaTokenJwt.Sign(Token, _secret, Claims("exp", hourAgo))));
        Assert.Equal(FlowTokenSignatureFailure.Expired, Failure(Verifier(), MetaTokenJwt.Sign(Token, _secret, Claims("nbf", inAnHour))));
        Assert.Equal(FlowTokenSignatureFailure.Expired, Failure(Verifier(), MetaTokenJwt.Sign(Token, _secret, new JsonObject { ["exp"] = "tomorrow" })));
        // Within the clock skew, a just-expired token still passes.
        Assert.True(Verifier().Verify(MetaTokenJwt.Sign(Token, _secret, Claims("exp", Now.AddMinutes(-1).ToUnixTimeSeconds())), Token).IsValid);
    }

    [Fact]
    public void EveryConfiguredSecretIsAcceptedSoASecretCanBeRotated()
    {
        var signedWithPrevious = MetaTokenJwt.Sign(Token, _previous);

        Assert.True(Verifier(_secret, _previous).Verify(signedWithPrevious, Token).IsValid);
        Assert.True(Verifier(_secret, _previous).Verify(MetaTokenJwt.Sign(Token, _secret), Token).IsValid);
        Assert.Equal(FlowTokenSignatureFailure.BadSignature, Failure(Verifier(_secret), signedWithPrevious));
    }

    [Fact]
    public void WithoutAnySecretNothingCanBeVerified()
    {
        var verifier = new FlowTokenSignature(["", ""]);
        Assert.False(verifier.IsConfigured);
        Assert.Throws<InvalidOperationException>(() => verifier.Verify(MetaTokenJwt.Sign(Token, _secret), Token));
    }

    [Fact]
    public void AnOverlongJwtIsMalformedBeforeAnyWork() =>
        Assert.Equal(FlowTokenSignatureFailure.Malformed, Failure(Verifier(), MetaTokenJwt.Sign(new string('t', 20_000), _secret), new string('t', 20_000)));

    [Fact]
    public void MetasSideSignsTheSameJwtAsTheIndependentTestSignerAndTheVerifierAcceptsIt()
    {
        var jwt = FlowTokenSignature.Sign(Token, _secret);

        Assert.Equal(MetaTokenJwt.Sign(Token, _secret), jwt);
        Assert.True(Verifier().Verify(jwt, Token).IsValid);
        Assert.Equal(FlowTokenSignatureFailure.BadSignature, Failure(Verifier(), FlowTokenSignature.Sign(Token, _previous)));
    }
}
