namespace Backend.Runtime.Tests;

/// <summary>The version (ETag) contract every storage provider honours; run against each provider.</summary>
public abstract class GrainStorageContractTests
{
    private static readonly GrainId Grain = new("contract", "key-1");

    protected abstract Task<IGrainStorage> StorageAsync();

    [Fact]
    public async Task ReadingStateThatWasNeverWrittenGivesANewValueWithoutETag()
    {
        var storage = await StorageAsync();

        var state = await ReadAsync(storage, "never");

        Assert.NotNull(state.State);
        Assert.Equal(0, state.State.Count);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task AFirstWriteSucceedsOnceAndASecondFirstWriteConflicts()
    {
        var storage = await StorageAsync();
        var first = new Holder { State = new CounterState { Count = 1 } };
        var second = new Holder { State = new CounterState { Count = 2 } };

        await storage.WriteStateAsync("first", Grain, first);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("first", Grain, second));

        Assert.Equal("1", first.ETag);
        Assert.True(first.RecordExists);
        Assert.Equal("1", conflict.StoredEtag);
        Assert.Null(conflict.CurrentEtag);
        Assert.Equal(1, (await ReadAsync(storage, "first")).State.Count);
    }

    [Fact]
    public async Task AWriteWithTheCurrentETagAdvancesTheVersion()
    {
        var storage = await StorageAsync();
        var holder = new Holder { State = new CounterState { Count = 1 } };
        await storage.WriteStateAsync("advance", Grain, holder);

        holder.State.Count = 2;
        await storage.WriteStateAsync("advance", Grain, holder);

        var read = await ReadAsync(storage, "advance");
        Assert.Equal("2", holder.ETag);
        Assert.Equal("2", read.ETag);
        Assert.Equal(2, read.State.Count);
    }

    [Fact]
    public async Task AStaleWriteThrowsAndLeavesTheStoredStateUnchanged()
    {
        var storage = await StorageAsync();
        await storage.WriteStateAsync("stale", Grain, new Holder { State = new CounterState { Count = 1 } });
        var current = await ReadAsync(storage, "stale");
        var stale = await ReadAsync(storage, "stale");
        current.State.Count = 10;
        await storage.WriteStateAsync("stale", Grain, current);

        stale.State.Count = 99;
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("stale", Grain, stale));

        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Equal(10, (await ReadAsync(storage, "stale")).State.Count);
    }

    [Fact]
    public async Task ClearingKeepsTheVersionMovingSoNoStaleOrFirstWriteCanResurrectState()
    {
        var storage = await StorageAsync();
        await storage.WriteStateAsync("clear", Grain, new Holder { State = new CounterState { Count = 5 } });
        var clearing = await ReadAsync(storage, "clear");
        var stale = await ReadAsync(storage, "clear");

        await storage.ClearStateAsync("clear", Grain, clearing);

        Assert.Equal("2", clearing.ETag);
        Assert.False(clearing.RecordExists);
        Assert.Equal(0, clearing.State.Count);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("clear", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("clear", Grain, new Holder()));
        var afterClear = await ReadAsync(storage, "clear");
        Assert.False(afterClear.RecordExists);
        Assert.Equal("2", afterClear.ETag);
        afterClear.State.Count = 7;
        await storage.WriteStateAsync("clear", Grain, afterClear);
        Assert.Equal(7, (await ReadAsync(storage, "clear")).State.Count);
    }

    [Fact]
    public async Task StatesAreKeyedByGrainTypeKeyAndStateName()
    {
        var storage = await StorageAsync();
        await storage.WriteStateAsync("a", Grain, new Holder { State = new CounterState { Count = 1 } });
        await storage.WriteStateAsync("b", Grain, new Holder { State = new CounterState { Count = 2 } });
        await storage.WriteStateAsync("a", Grain with { Key = "key-2" }, new Holder { State = new CounterState { Count = 3 } });
        await storage.WriteStateAsync("a", Grain with { Type = "other" }, new Holder { State = new CounterState { Count = 4 } });

        Assert.Equal(1, (await ReadAsync(storage, "a")).State.Count);
        Assert.Equal(2, (await ReadAsync(storage, "b")).State.Count);
    }

    [Fact]
    public async Task EachReadGetsItsOwnCopyOfTheState()
    {
        var storage = await StorageAsync();
        await storage.WriteStateAsync("copy", Grain, new Holder { State = new CounterState { Count = 1 } });
        var first = await ReadAsync(storage, "copy");

        first.State.Count = 50;

        Assert.Equal(1, (await ReadAsync(storage, "copy")).State.Count);
    }

    private static async Task<Holder> ReadAsync(IGrainStorage storage, string stateName)
    {
        var holder = new Holder();
        await storage.ReadStateAsync(stateName, Grain, holder);
        return holder;
    }

    protected sealed class Holder : IGrainState<CounterState>
    {
        public CounterState State { get; set; } = new();

        public string? ETag { get; set; }

        public bool RecordExists { get; set; }
    }
}

public sealed class MemoryGrainStorageContractTests : GrainStorageContractTests
{
    private readonly MemoryGrainStorage _storage = new(new GrainStateSerializer());

    protected override Task<IGrainStorage> StorageAsync() => Task.FromResult<IGrainStorage>(_storage);
}

public sealed class PostgresGrainStorageContractTests(PostgresFixture postgres)
    : GrainStorageContractTests, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    // Each test gets its own service id, so tests sharing the class's database never see each other's rows.
    private readonly PostgresGrainStorage _storage = new(postgres.ConnectionString, Guid.NewGuid().ToString("N"), new GrainStateSerializer());

    public Task InitializeAsync() => _storage.EnsureSchemaAsync(CancellationToken.None);

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    protected override Task<IGrainStorage> StorageAsync() => Task.FromResult<IGrainStorage>(_storage);

    [Fact]
    public async Task SchemaCreationIsIdempotentWhenManyProcessesStartAtOnce()
    {
        var starters = Enumerable.Range(0, 6)
            .Select(_ => new PostgresGrainStorage(postgres.ConnectionString, "schema", new GrainStateSerializer()))
            .ToList();

        await Task.WhenAll(starters.Select(s => s.EnsureSchemaAsync(CancellationToken.None)));
        await Task.WhenAll(starters.Select(s => s.EnsureSchemaAsync(CancellationToken.None)));

        Assert.Equal(PostgresSchema.CurrentVersion,
            await postgres.ScalarAsync<int>("SELECT version FROM grain_runtime_schema WHERE component = 'grain_state'"));
        await Task.WhenAll(starters.Select(s => s.DisposeAsync().AsTask()));
    }

    [Fact]
    public async Task StateIsStoredAsJsonThatOperatorsCanQuery()
    {
        var serviceId = Guid.NewGuid().ToString("N");
        await using var storage = new PostgresGrainStorage(postgres.ConnectionString, serviceId, new GrainStateSerializer());
        await storage.WriteStateAsync("json", new GrainId("contract", "k"), new Holder { State = new CounterState { Count = 12 } });

        Assert.Equal(12, await postgres.ScalarAsync<int>(
            "SELECT (payload->>'count')::int FROM grain_state WHERE service_id = $1 AND grain_type = 'contract' AND state_name = 'json'",
            serviceId));
    }
}
