namespace Backend.Runtime.Tests;

public sealed class FailureTests
{
    [Fact]
    public async Task AFullMailboxRefusesTheCallWithARetryableErrorAndTheGrainStaysHealthy()
    {
        await using var silo = await TestSilo.StartAsync(configure: o => o.MailboxCapacity = 2);
        var grain = silo.Grains.GetGrain<IProbeGrain>("busy");
        var running = grain.Hold();
        await Wait.UntilAsync(() => Volatile.Read(ref silo.Probe.HoldsStarted) == 1);
        var queued = new[] { grain.Record("queued 1"), grain.Record("queued 2") };

        var refused = await Assert.ThrowsAsync<GrainMailboxFullException>(() => grain.Record("refused"));

        Assert.True(refused.IsRetryable);
        Assert.Contains("busy", refused.Message, StringComparison.Ordinal);
        silo.Probe.Gate.SetResult();
        await running;
        await Task.WhenAll(queued);
        await grain.Record("after");
        Assert.Equal(["queued 1", "queued 2", "after"], silo.Probe.Log);
    }

    [Fact]
    public async Task ACallPastItsDeadlineFailsClearlyAndNeverRunsLater()
    {
        await using var silo = await TestSilo.StartAsync(configure: o => o.CallTimeout = TimeSpan.FromMilliseconds(400));
        var grain = silo.Grains.GetGrain<IProbeGrain>("slow");
        var running = grain.Hold();
        await Wait.UntilAsync(() => Volatile.Read(ref silo.Probe.HoldsStarted) == 1);

        var waited = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.Record("too late"));
        var started = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => running);

        Assert.False(waited.Started);
        Assert.Contains("dropped without running", waited.Message, StringComparison.Ordinal);
        Assert.True(started.Started);
        silo.Probe.Gate.SetResult();
        await grain.Record("next");
        Assert.Equal(["next"], silo.Probe.Log);
    }

    [Fact]
    public async Task AThrowingGrainMethodReachesTheCallerAndTheActivationKeepsServing()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IProbeGrain>("thrower");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("boom"));

        Assert.Equal("boom", error.Message);
        Assert.Equal("pong from probe/thrower", await grain.Ping());
        Assert.Equal(1, silo.Probe.Activations["thrower"]);
    }

    [Fact]
    public async Task AFailingActivationIsReportedToTheCallerAndTheNextCallActivatesAgain()
    {
        await using var silo = await TestSilo.StartAsync();
        silo.Probe.ActivationFailuresLeft = 1;
        var grain = silo.Grains.GetGrain<IFlakyActivationGrain>("flaky");

        var error = await Assert.ThrowsAsync<GrainActivationException>(() => grain.Ping().AsTask());

        Assert.Equal(new GrainId("flaky", "flaky"), error.GrainId);
        Assert.Equal("activation failed on purpose", error.InnerException?.Message);
        Assert.Equal("activated", await grain.Ping());
        Assert.Equal(2, silo.Probe.Activations["flaky"]);
    }

    [Fact]
    public async Task CallsOutsideTheRunningRuntimeAreRefusedClearly()
    {
        var silo = await TestSilo.StartAsync();
        await silo.StopAsync();

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => silo.Grains.GetGrain<IProbeGrain>("late").Ping());

        Assert.Contains("shutting down", error.Message, StringComparison.Ordinal);
        await silo.DisposeAsync();
    }

    [Fact]
    public async Task AnInterfaceWithoutARegisteredGrainClassIsRejectedWhenAReferenceIsMade()
    {
        await using var silo = await TestSilo.StartAsync();

        Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<IUnregisteredGrain>("x"));
        Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<IProbeGrain>(""));
    }
}

public interface IUnregisteredGrain : IGrainWithStringKey
{
    Task Nothing();
}
