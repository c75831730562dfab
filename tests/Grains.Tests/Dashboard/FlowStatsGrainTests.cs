using System.Text.Json.Nodes;
using Backend.FlowCatalog.SignUp;
using Backend.Flows.Endpoint;
using Backend.Grains.Sessions;
using Backend.Grains.Dashboard;

namespace Backend.Grains.Tests.Dashboard;

/// <summary>The dashboard's aggregation over a real two-silo cluster: nodes' cumulative reports summed, once each.</summary>
public sealed class FlowStatsGrainTests(MemoryGrainCluster cluster) : IClassFixture<MemoryGrainCluster>
{
    private readonly string _flow = $"flow-{Guid.NewGuid():N}"[..13];
    private readonly DateTimeOffset _started = cluster.Time.GetUtcNow();

    private IFlowStatsGrain Stats => cluster.Grains.GetGrain<IFlowStatsGrain>(IFlowStatsGrain.Key);

    private NodeStatsReport Report(string node, long sequence, Dictionary<string, long> counters, long[]? latency = null) =>
        new(node, "api", _started, sequence, [new FlowCounterSnapshot(_flow, counters, latency ?? [])], [], []);

    private async Task<FlowOverview> FlowAsync() => (await Stats.Overview()).Flows.Single(f => f.Flow == _flow);

    [Fact]
    public async Task TotalsAddUpOverNodesAndALateOrRepeatedReportCountsOnce()
    {
        await Stats.Report(Report("a", 1, new() { ["issued"] = 3, ["steps"] = 5, ["reached:ONE"] = 3, ["at:ONE"] = 2 }));
        await Stats.Report(Report("b", 1, new() { ["issued"] = 4, ["steps"] = 1, ["reached:ONE"] = 1, ["at:ONE"] = -1 }));
        await Stats.Report(Report("a", 2, new() { ["issued"] = 5, ["steps"] = 9, ["reached:ONE"] = 3, ["at:ONE"] = 2 }));
        await Stats.Report(Report("a", 2, new() { ["issued"] = 99 }));
        await Stats.Report(Report("a", 1, new() { ["issued"] = 99 }));

        var flow = await FlowAsync();

        Assert.Equal((9L, 10L), (flow.Issued, flow.Steps));
        var screen = Assert.Single(flow.Funnel);
        Assert.Equal(("ONE", 4L, 1L), (screen.Screen, screen.Reached, screen.At));
    }

    [Fact]
    public async Task WindowsMarkMetasThresholdsWhenCrossed()
    {
        var latency = new long[LatencyHistogram.Buckets];
        latency[LatencyHistogram.BucketOf(20_000)] = 80;
        latency[LatencyHistogram.BucketOf(2_000_000)] = 20;
        await Stats.Report(Report("c", 1, new() { ["requests"] = 100, ["errors"] = 6 }, latency));

        var window = (await FlowAsync()).Windows.Single(w => w.Minutes == 5);

        Assert.Equal(100, window.Requests);
        Assert.InRange(window.P50Ms, 17.5, 22.5);
        Assert.InRange(window.P90Ms, 1750, 2250);
        Assert.Equal(0.06, window.ErrorRate, 3);
        Assert.True(window.LatencyAlert);
        Assert.True(window.ErrorRateAlert);
    }

    [Fact]
    public async Task ANodeFirstSeenLongAfterItStartedCountsInTheTotalsButNotAsRecentTraffic()
    {
        var old = new NodeStatsReport("d", "api", cluster.Time.GetUtcNow().AddHours(-1), 500,
            [new FlowCounterSnapshot(_flow, new() { ["requests"] = 1000, ["steps"] = 900, ["status:2xx"] = 1000 }, [])], [], []);
        await Stats.Report(old);
        await Stats.Report(old with
        {
            Sequence = 501,
            Flows = [new FlowCounterSnapshot(_flow, new() { ["requests"] = 1010, ["steps"] = 905, ["status:2xx"] = 1010 }, [])],
        });

        var flow = await FlowAsync();

        Assert.Equal((905L, 1010L), (flow.Steps, flow.Statuses["2xx"]));
        Assert.Equal(10, flow.Windows.Single(w => w.Minutes == 5).Requests);
    }

    [Fact]
    public async Task AReactivatedAggregatorRestoresItsTotalsAndSeriesAndANodeReportingAgainCountsOnce()
    {
        await Stats.Report(Report("e", 1, new() { ["issued"] = 4, ["steps"] = 6, ["requests"] = 6 }));
        await Stats.Report(Report("e", 2, new() { ["issued"] = 5, ["steps"] = 8, ["requests"] = 8 }));
        Assert.Equal((5L, 8L, 8L), Figures(await FlowAsync()));

        // Every idle activation goes (the aggregator saves as it deactivates); the next call activates it afresh.
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal((5L, 8L, 8L), Figures(await FlowAsync()));

        // The node's next cumulative report replaces its restored counts; being the first since the restore, it is
        // a baseline for the series (what came between the save and the restore stays out of the per-minute series).
        await Stats.Report(Report("e", 3, new() { ["issued"] = 7, ["steps"] = 10, ["requests"] = 10 }));
        Assert.Equal((7L, 10L, 8L), Figures(await FlowAsync()));
        await Stats.Report(Report("e", 4, new() { ["issued"] = 7, ["steps"] = 11, ["requests"] = 11 }));
        Assert.Equal((7L, 11L, 9L), Figures(await FlowAsync()));

        static (long Issued, long Steps, long Requests) Figures(FlowOverview flow) => (flow.Issued, flow.Steps, flow.Windows.Single(w => w.Minutes == 5).Requests);
    }

    [Fact]
    public async Task TheWaitingDeadlinesOfANodeThatStoppedReportingLapseInTheAggregatorOnce()
    {
        var hour = PendingDeadlines.EndedBelow(cluster.Time.GetUtcNow());
        // Node "f" issued four sessions and opened three. At its last report one issued-only and two open sessions
        // waited for a deadline in an hour now over (it would have folded them itself had it not stopped reporting),
        // one open session for the next hour.
        await Stats.Report(new NodeStatsReport("f", "silo", _started, 1,
            [new FlowCounterSnapshot(_flow, new() { ["issued"] = 4, ["opened"] = 3, ["active"] = 3 }, [], [new(hour - 1, 1, 2), new(hour + 1, 0, 1)])], [], []));
        // Node "g" completed one of the two open sessions before its deadline (the grain had moved there): −1 in its bucket.
        await Stats.Report(new NodeStatsReport("g", "silo", _started, 1,
            [new FlowCounterSnapshot(_flow, new() { ["completed"] = 1, ["active"] = -1 }, [], [new(hour - 1, 0, -1)])], [], []));

        var flow = await FlowAsync();
        Assert.Equal((4L, 1L, 2L, 1L), (flow.Issued, flow.Completed, flow.Expired, flow.Active));

        // The same once the aggregator is restored from storage.
        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        flow = await FlowAsync();
        Assert.Equal((4L, 1L, 2L, 1L), (flow.Issued, flow.Completed, flow.Expired, flow.Active));
    }

    [Fact]
    public async Task AScreenCountsAsReachedOncePerSessionAfterItsStepsLeftTheHistory()
    {
        var token = $"{_flow}-long";
        var session = cluster.Grains.GetFlowSession(token);
        await session.Issue(new FlowSessionIssue(SignUpNames.Flow, "15550001111", TimeSpan.Zero));
        FlowStep Step(FlowRequestAction action, string? screen, JsonObject data) =>
            new(SignUpNames.Flow, new DataExchangeRequest("3.0", action, screen, data, token, null));

        await session.Handle(Step(FlowRequestAction.Init, null, []), default);
        // More refused submissions than the history keeps: START's step leaves it.
        var limit = new FlowSessionOptions().HistoryLimit;
        for (var i = 0; i <= limit; i++)
        {
            await session.Handle(Step(FlowRequestAction.DataExchange, SignUpNames.Screens.SignUp, new JsonObject { [SignUpNames.Fields.Email] = "not an email" }), default);
        }
        Assert.DoesNotContain((await session.Get())!.History, h => h.NextScreen == SignUpNames.Screens.Start);
        await session.Handle(Step(FlowRequestAction.Init, null, []), default);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        FlowOverview? signUp;
        do
        {
            await Task.Delay(200);
            signUp = (await Stats.Overview()).Flows.FirstOrDefault(f => f.Flow == SignUpNames.Flow);
        }
        while ((signUp is null || signUp.Steps < limit + 3) && DateTime.UtcNow < deadline);
        // Every silo reports again after the last step's count: nothing more arrives.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        signUp = (await Stats.Overview()).Flows.Single(f => f.Flow == SignUpNames.Flow);

        Assert.Equal(limit + 3, signUp.Steps);
        Assert.Equal(1L, Assert.Single(signUp.Funnel, s => s.Screen == SignUpNames.Screens.Start).Reached);
        Assert.Equal(1L, Assert.Single(signUp.Funnel, s => s.Screen == SignUpNames.Screens.SignUp).Reached);
    }

    [Fact]
    public async Task SessionsOnBothSilosAddUpInTheFigures()
    {
        // Orleans places each new session where it sees fit (resource-optimized placement may keep a dozen on one
        // silo), so sessions are added until both silos host some.
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        var keys = new HashSet<string>();
        var (sessions, invalidated) = (0, 0);
        while (sessions < 12 || (await HostsOfAsync(management, keys)) < 2)
        {
            Assert.True(sessions < 200, "200 sessions all landed on one silo.");
            var token = $"{_flow}-{sessions}";
            keys.Add(FlowSessionKey.Of(token));
            var session = cluster.Grains.GetFlowSession(token);
            await session.Issue(new FlowSessionIssue("echo", "15550001111", TimeSpan.Zero));
            await session.Handle(new FlowStep("echo", new DataExchangeRequest("3.0", FlowRequestAction.Init, null, [], token, null)), default);
            if (sessions % 3 == 0)
            {
                await session.Invalidate("test");
                invalidated++;
            }
            sessions++;
        }
        var silos = cluster.Cluster.Silos.Count;

        // Each silo reports on its own interval: wait for both reports, not only for the figures to add up.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        DashboardOverview overview;
        FlowOverview? echo;
        do
        {
            await Task.Delay(200);
            overview = await Stats.Overview();
            echo = overview.Flows.FirstOrDefault(f => f.Flow == "echo");
        }
        while ((echo is null || echo.Issued < sessions || echo.Invalidated < invalidated || overview.Nodes.Count(n => n.Kind == "silo") < 2)
            && DateTime.UtcNow < deadline);

        Assert.Equal(2, silos);
        Assert.NotNull(echo);
        Assert.Equal((sessions, sessions, invalidated, sessions - invalidated), ((int)echo.Issued, (int)echo.Opened, (int)echo.Invalidated, (int)echo.Active));
        Assert.Equal((long)sessions, Assert.Single(echo.Funnel, s => s.Screen == "ONLY").Reached);
        Assert.Equal(2, overview.Nodes.Count(n => n.Kind == "silo"));
    }

    // How many silos host the sessions of these keys.
    private static async Task<int> HostsOfAsync(IManagementGrain management, IReadOnlySet<string> keys) =>
        (await management.GetDetailedGrainStatistics())
            .Where(g => g.GrainId.Type.ToString() == GrainTypeNames.FlowSession && keys.Contains(g.GrainId.Key.ToString()))
            .Select(g => g.SiloAddress)
            .Distinct()
            .Count();

    [Theory]
    [InlineData(3)]
    [InlineData(150)]
    [InlineData(999)]
    [InlineData(1_000_000)]
    [InlineData(7_300_000)]
    public void APercentileIsWithinABucketOfTheLatency(long microseconds)
    {
        var counts = new long[LatencyHistogram.Buckets];
        counts[LatencyHistogram.BucketOf(microseconds)] = 10;

        var p50 = LatencyHistogram.Percentile(counts, 0.5) * 1000;

        Assert.InRange(p50, microseconds * 0.87, microseconds * 1.13 + 1);
    }
}
