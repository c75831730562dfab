using System.Diagnostics;

namespace Backend.Runtime.Tests;

public sealed class TurnBasedExecutionTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AThousandConcurrentReadModifyWritesOfOneGrainEndWithTheExactCount()
    {
        await using var silo = await TestSilo.StartAsync(postgres.ConnectionString, o => o.MailboxCapacity = 2000);
        var counter = silo.Grains.GetGrain<ICounterGrain>("thousand");

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => counter.Increment()));

        Assert.Equal(Enumerable.Range(1, 1000), results.Order());
        Assert.Equal(1000, await counter.Get());
        Assert.Equal(1, silo.Probe.Activations["thousand"]);
        Assert.Equal(1000L, await postgres.ScalarAsync<long>("SELECT version FROM grain_state WHERE grain_key = 'thousand'"));
        Assert.Equal("1000", await postgres.ScalarAsync<string>("SELECT payload->>'count' FROM grain_state WHERE grain_key = 'thousand'"));
    }

    [Fact]
    public async Task CallsToDifferentKeysRunInParallelWhileCallsToOneKeyTakeTurns()
    {
        const int Grains = 10;
        const int DelayMilliseconds = 300;
        await using var silo = await TestSilo.StartAsync();
        var oneKeyProbe = silo.Probe;

        // One key: five calls that each await a delay run strictly one after the other.
        var sameKey = silo.Grains.GetGrain<IProbeGrain>("one");
        var serial = Stopwatch.StartNew();
        var overlaps = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sameKey.Overlap(DelayMilliseconds).AsTask()));
        serial.Stop();
        Assert.All(overlaps, overlap => Assert.Equal(1, overlap));
        Assert.True(serial.ElapsedMilliseconds >= 5 * DelayMilliseconds * 0.9, $"five turns took {serial.ElapsedMilliseconds} ms");

        // Different keys: the same work spread over ten grains overlaps.
        await using var other = await TestSilo.StartAsync();
        var parallel = Stopwatch.StartNew();
        var maxima = await Task.WhenAll(Enumerable.Range(0, Grains)
            .Select(i => other.Grains.GetGrain<IProbeGrain>($"key-{i}").Overlap(DelayMilliseconds).AsTask()));
        parallel.Stop();

        Assert.True(other.Probe.MaxRunning >= Grains / 2, $"at most {other.Probe.MaxRunning} of {Grains} grains ran at once");
        // Sequential would take Grains x delay (3 s); allow a loaded machine a wide margin.
        Assert.True(parallel.ElapsedMilliseconds < Grains * DelayMilliseconds / 3,
            $"{Grains} grains awaiting {DelayMilliseconds} ms each took {parallel.ElapsedMilliseconds} ms");
        Assert.Equal(1, oneKeyProbe.MaxRunning);
        Assert.Equal(Grains, maxima.Length);
    }

    [Fact]
    public async Task GrainsCallOtherGrainsFromInsideTheirTurnsWithoutDeadlock()
    {
        await using var silo = await TestSilo.StartAsync(postgres.ConnectionString);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => silo.Grains.GetGrain<IRelayGrain>($"relay-{i % 5}").IncrementCounter("relayed")));

        Assert.Equal(Enumerable.Range(1, 50), results.Order());
    }

    [Fact]
    public async Task AGrainCallingItselfFailsFastInsteadOfWaitingForItself()
    {
        await using var silo = await TestSilo.StartAsync(configure: o => o.CallTimeout = TimeSpan.FromSeconds(20));
        var grain = silo.Grains.GetGrain<IProbeGrain>("self");

        var elapsed = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.CallSelf);

        Assert.Contains("called itself", error.Message, StringComparison.Ordinal);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10));
        Assert.StartsWith("pong", await grain.Ping(), StringComparison.Ordinal);
    }
}
