namespace Backend.Grains.Tests.Hosting;

/// <summary>
/// <see cref="GrainReferences"/> builds the same references Orleans' own <c>GetGrain</c> does (grain id and interface),
/// on a real cluster's client, so the shared <c>[GrainType]</c> names cannot drift from the grain classes.
/// </summary>
public sealed class GrainReferencesTests(MemoryGrainCluster cluster) : IClassFixture<MemoryGrainCluster>
{
    [Fact]
    public void EveryHelperAddressesTheGrainOrleansResolves()
    {
        var grains = cluster.Grains;
        var day = new DateOnly(2026, 12, 2);
        const string token = "a-flow-token";
        const string email = "someone@example.com";

        AssertSame(grains.GetGrain<IFlowSessionGrain>(FlowSessionKey.Of(token)), grains.GetFlowSession(token));
        AssertSame(grains.GetGrain<IFlowSessionGrain>(FlowSessionKey.Of(token)), grains.GetFlowSessionByKey(FlowSessionKey.Of(token)));
        AssertSame(grains.GetGrain<IUserGrain>(AccountKey.Of(email)), grains.GetUser(email));
        AssertSame(grains.GetGrain<IBookingGrain>(BookingDay.Key(day)), grains.GetBookingDay(day));
        AssertSame(grains.GetGrain<IIdempotentCommandGrain>(IdempotencyKey.Of("scope", "k")), grains.GetIdempotentCommand("scope", "k"));
    }

    [Fact]
    public async Task AReferenceMadeTheCheapWayReachesTheGrainOrleansWouldActivate()
    {
        var token = Guid.NewGuid().ToString("N");
        await cluster.Grains.GetFlowSession(token).Issue(new FlowSessionIssue(FlowCatalog.SignUp.SignUpNames.Flow, "15550001111", TimeSpan.Zero));

        var seen = await cluster.Grains.GetGrain<IFlowSessionGrain>(FlowSessionKey.Of(token)).Get();

        Assert.Equal(FlowSessionStatus.Sent, seen?.Status);
    }

    private static void AssertSame<T>(T expected, T actual) where T : IAddressable
    {
        Assert.Equal(expected.GetGrainId(), actual.GetGrainId());
        Assert.Equal(((GrainReference)(object)expected).InterfaceType, ((GrainReference)(object)actual).InterfaceType);
    }
}
