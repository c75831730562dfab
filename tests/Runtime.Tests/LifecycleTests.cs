namespace Backend.Runtime.Tests;

public sealed class LifecycleTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AnIdleActivationIsCollectedAndTheNextCallRereadsStorage()
    {
        await using var silo = await TestSilo.StartAsync(postgres.ConnectionString, o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(200);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        });
        var counter = silo.Grains.GetGrain<ICounterGrain>("idle");
        Assert.Equal(1, await counter.Increment());

        await Wait.UntilAsync(() => silo.Probe.Deactivations.ContainsKey("idle"));
        // Change the row behind the runtime's back: only a fresh read can see it.
        await postgres.ScalarAsync<int>(
            "UPDATE grain_state SET payload = '{\"count\": 41}', version = version + 1 WHERE grain_key = 'idle'");

        Assert.Equal(42, await counter.Increment());
        Assert.Equal(2, silo.Probe.Activations["idle"]);
    }

    [Fact]
    public async Task ShutdownRunsQueuedCallsThenDeactivatesAndWritesState()
    {
        var silo = await TestSilo.StartAsync(postgres.ConnectionString);
        var keys = Enumerable.Range(0, 5).Select(i => $"drain-{i}").ToArray();
        var calls = keys.SelectMany(key => Enumerable.Range(0, 4)
            .Select(_ => silo.Grains.GetGrain<IWriteBehindGrain>(key).AddSlowly(1, 50))).ToList();

        await silo.StopAsync();

        // Every queued call ran (none was refused); the callers' own continuations may still be finishing,
        // so await them rather than sampling their status.
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => silo.Grains.GetGrain<IWriteBehindGrain>("drain-0").Total());
        await silo.DisposeAsync();

        await using var restarted = await TestSilo.StartAsync(postgres.ConnectionString);
        foreach (var key in keys)
        {
            Assert.Equal(4, await restarted.Grains.GetGrain<IWriteBehindGrain>(key).Total());
        }
    }

    [Fact]
    public async Task ARestartedRuntimeFindsEveryWrittenState()
    {
        var expected = Enumerable.Range(0, 40).ToDictionary(i => $"restart-{i}", i => i % 4 + 1);
        await using (var first = await TestSilo.StartAsync(postgres.ConnectionString))
        {
            await Task.WhenAll(expected.SelectMany(pair => Enumerable.Range(0, pair.Value)
                .Select(_ => first.Grains.GetGrain<ICounterGrain>(pair.Key).Increment())));
            await first.Grains.GetGrain<IDocumentGrain>("restart-doc").Write("kept");
        }

        await using var second = await TestSilo.StartAsync(postgres.ConnectionString);

        foreach (var (key, count) in expected)
        {
            Assert.Equal(count, await second.Grains.GetGrain<ICounterGrain>(key).Get());
        }
        Assert.Equal("kept", await second.Grains.GetGrain<IDocumentGrain>("restart-doc").Read());
    }

    [Fact]
    public async Task AGrainThatAsksToBeDeactivatedIsActivatedAfreshByTheNextCall()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IProbeGrain>("retiring");

        await grain.Retire();
        await grain.Ping();

        Assert.Equal(2, silo.Probe.Activations["retiring"]);
    }
}
