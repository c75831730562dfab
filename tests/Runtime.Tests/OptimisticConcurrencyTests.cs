namespace Backend.Runtime.Tests;

public sealed class OptimisticConcurrencyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TwoRuntimesRacingToFirstWriteOneKeyLetExactlyOneWinAndTheLoserThenSeesTheWinner()
    {
        await using var a = await TestSilo.StartAsync(postgres.ConnectionString);
        await using var b = await TestSilo.StartAsync(postgres.ConnectionString);
        var (onA, onB) = (a.Grains.GetGrain<IDocumentGrain>("race"), b.Grains.GetGrain<IDocumentGrain>("race"));
        Assert.Null(await onA.Read()); // both activations exist and have read "no record"
        Assert.Null(await onB.Read());

        var writes = new[] { onA.Write("from a"), onB.Write("from b") };
        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        var winners = writes.Count(w => w.IsCompletedSuccessfully);
        Assert.Equal(1, winners);
        var loser = writes.Single(w => w.IsFaulted);
        Assert.IsType<InconsistentStateException>(loser.Exception!.InnerException);
        var winnerText = writes[0].IsCompletedSuccessfully ? "from a" : "from b";
        var loserGrain = writes[0].IsCompletedSuccessfully ? onB : onA;

        Assert.Equal(winnerText, await loserGrain.Read());
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT version FROM grain_state WHERE grain_key = 'race'"));
    }

    [Fact]
    public async Task AStaleWriteNeverOverwritesAndTheNextCallRereads()
    {
        await using var a = await TestSilo.StartAsync(postgres.ConnectionString);
        await using var b = await TestSilo.StartAsync(postgres.ConnectionString);
        var (onA, onB) = (a.Grains.GetGrain<IDocumentGrain>("stale"), b.Grains.GetGrain<IDocumentGrain>("stale"));
        await onA.Write("v1");
        Assert.Equal("v1", await onB.Read()); // b now holds version 1
        await onA.Write("v2");

        await Assert.ThrowsAsync<InconsistentStateException>(() => onB.Write("stale"));

        Assert.Equal("v2", await postgres.ScalarAsync<string>("SELECT payload->>'text' FROM grain_state WHERE grain_key = 'stale'"));
        Assert.Equal("v2", await onB.Read());
        await onB.Write("v3");
        Assert.Equal("v3", await postgres.ScalarAsync<string>("SELECT payload->>'text' FROM grain_state WHERE grain_key = 'stale'"));
        Assert.Equal(3L, await postgres.ScalarAsync<long>("SELECT version FROM grain_state WHERE grain_key = 'stale'"));
    }

    [Fact]
    public async Task CallsQueuedBehindAConflictRunOnAFreshActivationThatRereadsState()
    {
        await using var a = await TestSilo.StartAsync(postgres.ConnectionString);
        await using var b = await TestSilo.StartAsync(postgres.ConnectionString);
        var (onA, onB) = (a.Grains.GetGrain<IDocumentGrain>("queued"), b.Grains.GetGrain<IDocumentGrain>("queued"));
        await onA.Write("v1");
        Assert.Equal("v1", await onB.Read());
        await onA.Write("v2");

        var writes = Enumerable.Range(0, 5).Select(i => onB.Write($"b{i}")).ToArray();
        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.IsType<InconsistentStateException>(writes[0].Exception?.InnerException);
        Assert.All(writes.Skip(1), write => Assert.True(write.IsCompletedSuccessfully));
        Assert.Equal(6L, await postgres.ScalarAsync<long>("SELECT version FROM grain_state WHERE grain_key = 'queued'"));
        Assert.Equal("b4", await onB.Read()); // forwarded in the order they were queued
    }
}
