using Backend.Flows.Endpoint;
using Backend.Grains.Dashboard;

namespace Backend.Grains.Tests.Dashboard;

/// <summary>
/// Sessions that expire untouched are counted expired, and no longer open, once their deadline's minute has passed,
/// on a real two-silo cluster whose clock the test moves; a session touched afterwards is not counted twice.
/// </summary>
public sealed class SessionExpiryCountTests(MemoryGrainCluster cluster) : IClassFixture<MemoryGrainCluster>
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private IFlowStatsGrain Stats => cluster.Grains.GetGrain<IFlowStatsGrain>(IFlowStatsGrain.Key);

    [Fact]
    public async Task UntouchedSessionsCountAsExpiredAfterTheirDeadlineAndATouchAfterwardsCountsNothingMore()
    {
        var start = cluster.Time.GetUtcNow();
        var run = Guid.NewGuid().ToString("N")[..8];
        // Two issued only, three issued and opened; all expire at start + 2 min.
        var issued = new[] { $"{run}-a", $"{run}-b" };
        var opened = new[] { $"{run}-c", $"{run}-d", $"{run}-e" };
        foreach (var token in issued.Concat(opened))
        {
            await cluster.Grains.GetFlowSession(token).Issue(new FlowSessionIssue("echo", "15550001111", Lifetime));
        }
        foreach (var token in opened)
        {
            Assert.Equal(FlowStepOutcome.Answered, (await StepAsync(token)).Outcome);
        }
        await WaitForAsync(f => f is { Issued: 5, Opened: 3, Active: 3, Expired: 0 });

        // Past the deadline but inside its minute: a touch expires the session and counts it (the bucket is not folded yet).
        cluster.Time.SetUtcNow(start + Lifetime + TimeSpan.FromSeconds(30));
        Assert.Equal(FlowStepOutcome.TokenInvalid, (await StepAsync(opened[0])).Outcome);
        await WaitForAsync(f => f is { Expired: 1, Active: 2 });

        // The minute is over: the four untouched sessions lapse, with nothing touching them.
        cluster.Time.SetUtcNow(start + Lifetime + TimeSpan.FromSeconds(90));
        var lapsed = await WaitForAsync(f => f.Expired == 5);
        Assert.Equal((5L, 3L, 0L, 5L, 0L), (lapsed.Issued, lapsed.Opened, lapsed.Completed, lapsed.Expired, lapsed.Active));

        // Touched after lapsing: expired by the grain, not counted again; a late completion counts as a completion only.
        Assert.Equal(FlowStepOutcome.TokenInvalid, (await StepAsync(issued[0])).Outcome);
        Assert.Equal(FlowStepOutcome.TokenInvalid, (await StepAsync(opened[1])).Outcome);
        Assert.Equal(FlowCompletionOutcome.Completed, (await cluster.Grains.GetFlowSession(opened[2]).Complete(new FlowCompletionReport("wamid.late", [], "15550001111", null))).Outcome);
        Assert.Equal(FlowSessionStatus.Expired, (await cluster.Grains.GetFlowSession(issued[0]).Get())!.Status);
        Assert.Equal(FlowSessionStatus.Expired, (await cluster.Grains.GetFlowSession(opened[1]).Get())!.Status);
        await WaitForAsync(f => f.Completed == 1);
        // Both silos report every second: wait past two more reports of each.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var after = await EchoAsync();
        Assert.Equal((5L, 3L, 1L, 5L, 0L), (after!.Issued, after.Opened, after.Completed, after.Expired, after.Active));
    }

    private Task<FlowStepResult> StepAsync(string token) =>
        cluster.Grains.GetFlowSession(token).Handle(new FlowStep("echo", new DataExchangeRequest("3.0", FlowRequestAction.Init, null, [], token, null)), default);

    private async Task<FlowOverview?> EchoAsync() => (await Stats.Overview()).Flows.FirstOrDefault(f => f.Flow == "echo");

    private async Task<FlowOverview> WaitForAsync(Func<FlowOverview, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        FlowOverview? echo;
        while ((echo = await EchoAsync()) is null || !done(echo))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The figures did not settle: {echo}");
            await Task.Delay(200);
        }
        return echo;
    }
}
