using System.Net;
using System.Text.Json.Nodes;
using Backend.Grains;
using Backend.TestSupport.Meta;
using Microsoft.Extensions.DependencyInjection;

namespace Backend.Api.Tests;

/// <summary>
/// The real Api behind the session grains (sign-up flow, any token opens a session), with generated app secrets
/// (the current one and a previous one still accepted) and flow_token_signature required.
/// </summary>
public sealed class SignedTokenApi : IDisposable
{
    public string Secret { get; } = MetaTokenJwt.NewSecret();
    public string PreviousSecret { get; } = MetaTokenJwt.NewSecret();
    public FlowsApiFactory Factory { get; }

    public SignedTokenApi()
    {
        Factory = new FlowsApiFactory { UseTestHandler = false };
        Factory.Settings["Meta:AppSecret"] = Secret;
        Factory.Settings["Meta:AdditionalAppSecrets:0"] = PreviousSecret;
        Factory.Settings["FlowEndpoint:TokenSignature"] = "Required";
        Factory.Settings["FlowSessions:TokenPolicy"] = "AnyToken";
        Meta = new MetaFlowClient(Factory.Http(), Factory.BusinessKey, Secret);
    }

    public MetaFlowClient Meta { get; }

    public Task<FlowSessionSnapshot?> SessionAsync(string token) =>
        Factory.Services.GetRequiredService<IGrainFactory>().GetFlowSession(token).Get();

    public void Dispose() => Factory.Dispose();
}

/// <summary>flow_token_signature over real HTTP: a valid JWT reaches the flow, every bad one answers 432 and reaches nothing.</summary>
public sealed class TokenSignatureTests(SignedTokenApi api) : IClassFixture<SignedTokenApi>
{
    private const string Path = "/flows/sign_up";

    private static string Init(string token, string? jwt) => new JsonObject
    {
        ["version"] = "4.0",
        ["action"] = "INIT",
        ["flow_token"] = token,
        ["flow_token_signature"] = jwt,
    }.ToJsonString();

    private static string NewToken() => "signed-" + Guid.NewGuid().ToString("N");

    private async Task<HttpResponseMessage> PostAsync(string token, string? jwt) =>
        await api.Meta.PostAsync(Path, api.Meta.Seal(Init(token, jwt)));

    private async Task AssertRefusedAndUntouched(string token, string? jwt)
    {
        using var response = await PostAsync(token, jwt);
        Assert.Equal(432, (int)response.StatusCode);
        Assert.Null(await api.SessionAsync(token));
    }

    [Fact]
    public async Task AValidSignatureReachesTheFlowAndOpensTheSession()
    {
        var token = NewToken();
        var request = api.Meta.Seal(Init(token, MetaTokenJwt.Sign(token, api.Secret)));
        using var response = await api.Meta.PostAsync(Path, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("START", (string?)JsonNode.Parse(request.OpenResponse(await response.Content.ReadAsStringAsync()))!["screen"]);
        Assert.NotNull(await api.SessionAsync(token));
    }

    [Fact]
    public async Task ASignatureMadeWithThePreviousSecretPassesWhileItIsConfigured()
    {
        var token = NewToken();
        using var response = await PostAsync(token, MetaTokenJwt.Sign(token, api.PreviousSecret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AWrongSecretIs432()
    {
        var token = NewToken();
        await AssertRefusedAndUntouched(token, MetaTokenJwt.Sign(token, MetaTokenJwt.NewSecret()));
    }

    [Fact]
    public async Task AlgNoneIs432()
    {
        var token = NewToken();
        await AssertRefusedAndUntouched(token, MetaTokenJwt.Unsigned(token));
    }

    [Fact]
    public async Task Hs512AndRs256Are432()
    {
        var token = NewToken();
        await AssertRefusedAndUntouched(token, MetaTokenJwt.Compose(new JsonObject { ["alg"] = "HS512" }, new JsonObject { ["flow_token"] = token }, api.Secret, sha512: true));
        await AssertRefusedAndUntouched(token, MetaTokenJwt.Rs256(token));
    }

    [Fact]
    public async Task ASignatureForAnotherFlowTokenIs432()
    {
        var token = NewToken();
        await AssertRefusedAndUntouched(token, MetaTokenJwt.Sign(NewToken(), api.Secret));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("e30.e30.e30.e30")]
    public Task AMalformedJwtIs432(string jwt) => AssertRefusedAndUntouched(NewToken(), jwt);

    [Fact]
    public Task AMissingSignatureIs432WhenRequired() => AssertRefusedAndUntouched(NewToken(), null);

    [Fact]
    public async Task RefusalsAreLoggedAsWarningsWithoutTheTokenOrTheJwt()
    {
        var token = NewToken();
        var jwt = MetaTokenJwt.Sign(token, MetaTokenJwt.NewSecret());
        await AssertRefusedAndUntouched(token, jwt);

        Assert.Contains(api.Factory.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("flow_token_signature refused (BadSignature)"));
        Assert.DoesNotContain(token, api.Factory.Logs.All);
        Assert.DoesNotContain(jwt.Split('.')[2], api.Factory.Logs.All);
    }

    [Fact]
    public async Task PingsNeedNoSignature()
    {
        var answer = await api.Meta.ExchangeAsync(Path, """{"version":"4.0","action":"ping"}""");
        Assert.Equal("active", (string?)answer["data"]!["status"]);
    }
}

/// <summary>The setting's other modes and the end of a rotation.</summary>
public sealed class TokenSignatureModeTests
{
    private const string Path = "/flows/sign_up";

    private static (FlowsApiFactory Api, MetaFlowClient Meta, string Secret) Start(string mode, params string[] previousSecrets)
    {
        var secret = MetaTokenJwt.NewSecret();
        var api = new FlowsApiFactory();
        api.Settings["Meta:AppSecret"] = secret;
        for (var i = 0; i < previousSecrets.Length; i++)
        {
            api.Settings[$"Meta:AdditionalAppSecrets:{i}"] = previousSecrets[i];
        }
        if (mode.Length > 0)
        {
            api.Settings["FlowEndpoint:TokenSignature"] = mode;
        }
        return (api, new MetaFlowClient(api.Http(), api.BusinessKey, secret), secret);
    }

    private static string Init(string token, string? jwt) =>
        new JsonObject { ["version"] = "4.0", ["action"] = "INIT", ["flow_token"] = token, ["flow_token_signature"] = jwt }.ToJsonString();

    [Fact]
    public async Task ByDefaultABadSignatureIsRefusedAndAMissingOneIsNot()
    {
        var (api, meta, _) = Start("");
        using (api)
        {
            using var bad = await meta.PostAsync(Path, meta.Seal(Init("default-bad", MetaTokenJwt.Sign("default-bad", MetaTokenJwt.NewSecret()))));
            using var missing = await meta.PostAsync(Path, meta.Seal(Init("default-missing", null)));

            Assert.Equal(432, (int)bad.StatusCode);
            Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
            Assert.DoesNotContain(api.Handler.Requests, r => r.FlowToken == "default-bad");
        }
    }

    [Fact]
    public async Task OffIgnoresTheSignature()
    {
        var (api, meta, _) = Start("Off");
        using (api)
        {
            using var response = await meta.PostAsync(Path, meta.Seal(Init("off-token", "garbage")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void RequiredWithoutAnAppSecretStopsStartUp()
    {
        using var api = new FlowsApiFactory();
        api.Settings.Remove("Meta:AppSecret");
        api.Settings["FlowEndpoint:TokenSignature"] = "Required";

        var refusal = Assert.ThrowsAny<Exception>(() => api.Http());
        Assert.Contains("FlowEndpoint:TokenSignature=Required needs Meta:AppSecret", refusal.ToString());
    }

    [Fact]
    public async Task OnceThePreviousSecretIsRemovedItsSignaturesAre432()
    {
        var previous = MetaTokenJwt.NewSecret();
        var jwt = MetaTokenJwt.Sign("rotated-token", previous);

        var (during, duringMeta, _) = Start("Required", previous);
        using (during)
        {
            using var accepted = await duringMeta.PostAsync(Path, duringMeta.Seal(Init("rotated-token", jwt)));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var (after, afterMeta, _) = Start("Required");
        using (after)
        {
            using var refused = await afterMeta.PostAsync(Path, afterMeta.Seal(Init("rotated-token", jwt)));
            Assert.Equal(432, (int)refused.StatusCode);
            Assert.Empty(after.Handler.Requests);
        }
    }
}
