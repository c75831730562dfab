using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.FlowCatalog.SignUp;
using Backend.Grains.Sessions;

namespace Backend.Grains.Tests.Sessions;

public sealed class FlowSessionGrainOnMemoryTests(MemoryGrainCluster cluster) : FlowSessionGrainTests(cluster), IClassFixture<MemoryGrainCluster>;

public sealed class FlowSessionGrainOnPostgresTests(PostgresGrainCluster cluster) : FlowSessionGrainTests(cluster), IClassFixture<PostgresGrainCluster>;

/// <summary>The session grain's behaviour, the same on every storage.</summary>
public abstract class FlowSessionGrainTests(GrainCluster host)
{
    private readonly string _token = Guid.NewGuid().ToString("N");

    private IFlowSessionGrain Session(string? token = null) => host.Grains.GetFlowSession(token ?? _token);

    private FlowStep Init(string flow = SignUpNames.Flow) =>
        new(flow, new DataExchangeRequest("3.0", FlowRequestAction.Init, null, [], _token, null));

    private async Task<IFlowSessionGrain> IssuedAsync(TimeSpan? lifetime = null)
    {
        var session = Session();
        await session.Issue(new FlowSessionIssue(SignUpNames.Flow, "15550001111", lifetime ?? TimeSpan.Zero));
        return session;
    }

    [Fact]
    public async Task AnIssuedSessionOpensOnItsFirstRequest()
    {
        var session = await IssuedAsync();
        Assert.Equal(FlowSessionStatus.Sent, (await session.Get())!.Status);

        var result = await session.Handle(Init(), default);

        Assert.Equal(FlowStepOutcome.Answered, result.Outcome);
        Assert.Equal("""{"screen":"START","data":{}}""", result.ResponseJson);
        Assert.Equal((FlowSessionStatus.Open, "START"), ((await session.Get())!.Status, (await session.Get())!.CurrentScreen));
    }

    [Fact]
    public async Task IssuingTheSameTokenAgainChangesNothing()
    {
        var session = await IssuedAsync();
        await session.Handle(Init(), default);

        var again = await session.Issue(new FlowSessionIssue(SignUpNames.Flow, "19999999999", TimeSpan.Zero));

        Assert.Equal((FlowSessionStatus.Open, "15550001111"), (again.Status, again.Recipient));
    }

    [Fact]
    public async Task AnUnknownFlowCannotBeIssued()
    {
        var session = Session();
        await Assert.ThrowsAsync<ArgumentException>(() => session.Issue(new FlowSessionIssue("nope", null, TimeSpan.Zero)));
        Assert.Null(await session.Get());
    }

    [Fact]
    public async Task ASessionPastItsLifetimeExpiresAndGets427()
    {
        var session = await IssuedAsync(TimeSpan.FromMinutes(10));
        host.Time.Advance(TimeSpan.FromMinutes(11));

        var result = await session.Handle(Init(), default);

        Assert.Equal(FlowStepOutcome.TokenInvalid, result.Outcome);
        Assert.Equal(FlowSessionStatus.Expired, (await session.Get())!.Status);
    }

    [Fact]
    public async Task ATokenIssuedForAnotherFlowIsRefused()
    {
        var session = await IssuedAsync();
        var result = await session.Handle(Init("echo"), default);
        Assert.Equal(FlowStepOutcome.TokenInvalid, result.Outcome);
        Assert.Equal(FlowSessionStatus.Sent, (await session.Get())!.Status);
    }

    [Fact]
    public async Task AStepForAFlowWithoutADefinitionIsNotHandled()
    {
        var session = await IssuedAsync();
        var result = await session.Handle(Init("no_such_flow"), default);
        Assert.Equal(FlowStepOutcome.NotHandled, result.Outcome);
        Assert.Contains("no_such_flow", result.Message);
    }

    [Fact]
    public async Task ErrorNotificationsAreCountedWithoutChangingScreenOrStatus()
    {
        var session = await IssuedAsync();
        await session.Handle(Init(), default);

        await session.RecordError(new FlowErrorReport(SignUpNames.Flow, "payload-schema-error", "bad", "START"));
        await session.RecordError(new FlowErrorReport(SignUpNames.Flow, "invalid-screen-transition", "bad", "START"));

        var snapshot = (await session.Get())!;
        Assert.Equal((2, FlowSessionStatus.Open, "START"), (snapshot.ErrorNotifications, snapshot.Status, snapshot.CurrentScreen));
    }

    [Fact]
    public async Task ACompletionKeepsTheResponseWithoutSensitiveFieldsOrTheToken()
    {
        var session = await IssuedAsync();
        var response = new JsonObject { ["flow_token"] = "x", ["stay_logged_in"] = true, ["password"] = "S3cret-pass" };

        var first = await session.Complete(new FlowCompletionReport("wamid.1", response, "15550001111", host.Time.GetUtcNow()));
        var second = await session.Complete(new FlowCompletionReport("wamid.2", response, "15550001111", host.Time.GetUtcNow()));

        var snapshot = (await session.Get())!;
        Assert.Equal((FlowCompletionOutcome.Completed, FlowCompletionOutcome.AlreadyCompleted), (first.Outcome, second.Outcome));
        Assert.Equal("""{"stay_logged_in":true}""", snapshot.CompletionResponse!.ToJsonString());
        Assert.Equal(FlowStepOutcome.TokenInvalid, (await session.Handle(Init(), default)).Outcome);
    }

    [Fact]
    public async Task ACompletionForAnUnknownTokenIsReportedAndStoresNothing()
    {
        var session = Session();
        var result = await session.Complete(new FlowCompletionReport("wamid.3", [], "1", null));
        Assert.Equal(FlowCompletionOutcome.UnknownSession, result.Outcome);
        Assert.Null(await session.Get());
    }

    [Fact]
    public async Task TheHistoryIsBoundedAndKeepsTheNewestSteps()
    {
        var session = await IssuedAsync();
        for (var i = 0; i < 60; i++)
        {
            await session.Handle(Init(), default);
        }
        Assert.Equal(new FlowSessionOptions().HistoryLimit, (await session.Get())!.History.Length);
    }
}

public sealed class SignUpFlowDefinitionTests
{
    [Fact]
    public void TheProductFlowPassesMetasDocumentedRulesWithoutWarnings()
    {
        var result = Backend.Flows.FlowJson.Validation.FlowJsonValidator.Validate(new SignUpFlow(null!).FlowJson);
        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => $"{e.Code} {e.Pointer} {e.Message}")));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void PasswordsAreSensitive() =>
        Assert.Equal(["confirm_password", "password"], new SignUpFlow(null!).SensitiveFields.Order());

    [Fact]
    public void TheRoutesReadInTheSeedsOrder() => Assert.Equal(
        ["Init *", "DataExchange SIGN_UP when …", "DataExchange SIGN_UP when …", "DataExchange SIGN_UP when …", "DataExchange SIGN_UP when …",
         "DataExchange SIGN_UP", "DataExchange LOGIN when …", "DataExchange LOGIN when …", "DataExchange LOGIN"],
        new SignUpFlow(null!).Router.Describe());
}
