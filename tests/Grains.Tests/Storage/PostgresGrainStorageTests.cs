using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Grains.Sessions;
using Backend.Grains.Storage;
using Backend.TestSupport.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Storage;

namespace Backend.Grains.Tests.Storage;

/// <summary>The PostgreSQL grain storage and its migrations, on a database of each test's own.</summary>
public sealed class PostgresGrainStorageTests : IAsyncLifetime
{
    private readonly PostgresFixture _database = new("storage");
    private NpgsqlDataSource? _dataSource;

    private NpgsqlDataSource DataSource => _dataSource!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        await _database.DisposeAsync();
    }

    private PostgresGrainStorage Storage(string serviceId = "tests", StorageWriteOptions? writes = null) =>
        new(serviceId, DataSource, NullLogger<PostgresGrainStorage>.Instance, writes);

    private static GrainState<FlowSessionState> State(string flowName) => new(new FlowSessionState { FlowName = flowName });

    private async Task<string?> StoredFlowNameAsync(string key)
    {
        await using var command = DataSource.CreateCommand($"SELECT payload::jsonb->>'flowName' FROM grain_state WHERE grain_key = '{key}'");
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>
    /// Holds the row of <paramref name="key"/> locked in a transaction of the test's own, and starts a write to it: with
    /// one batch in flight, the writes started before the returned release go together in the next batch.
    /// </summary>
    private async Task<(Task Blocked, Func<Task> Release)> BlockTheWriterAsync(PostgresGrainStorage storage, string key)
    {
        var held = State("held");
        await storage.WriteStateAsync("session", SessionId(key), held);
        var connection = await DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM grain_state WHERE grain_key = '{key}' FOR UPDATE", connection, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }
        var blocked = storage.WriteStateAsync("session", SessionId(key), held);
        // The write is with the database, waiting for the lock.
        await using (var waiting = DataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((long)(await waiting.ExecuteScalarAsync())! == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The first write never reached the database.");
                await Task.Delay(20);
            }
        }
        return (blocked, async () =>
        {
            await transaction.CommitAsync();
            await connection.DisposeAsync();
        });
    }

    [Fact]
    public async Task ConcurrentWritesShareRoundTripsAndEachLands()
    {
        await MigrateAsync();
        var storage = Storage(writes: new StorageWriteOptions { MaxBatchesInFlight = 1 });
        var states = Enumerable.Range(0, 200).Select(i => (Key: $"many-{i}", State: State($"flow-{i}"))).ToArray();

        await Task.WhenAll(states.Select(s => Task.Run(() => storage.WriteStateAsync("session", SessionId(s.Key), s.State))));
        foreach (var (_, state) in states)
        {
            state.State!.CurrentScreen = "NEXT";
        }
        await Task.WhenAll(states.Select(s => Task.Run(() => storage.WriteStateAsync("session", SessionId(s.Key), s.State))));

        Assert.All(states, s => Assert.Equal("2", s.State.ETag));
        foreach (var (key, state) in states)
        {
            var read = new GrainState<FlowSessionState>();
            await storage.ReadStateAsync("session", SessionId(key), read);
            Assert.Equal((state.State!.FlowName, "NEXT", "2"), (read.State!.FlowName, read.State.CurrentScreen, read.ETag));
        }
        var (batches, writes) = storage.WriteCounts;
        Assert.Equal(400, writes);
        Assert.True(batches < writes, $"{writes} writes took {batches} round trips: none was shared.");
    }

    [Fact]
    public async Task AFailedBatchFailsEveryWriteInItAndLeavesTheirRowsAsTheyWere()
    {
        await MigrateAsync();
        var storage = Storage(writes: new StorageWriteOptions { MaxBatchesInFlight = 1 });
        await storage.WriteStateAsync("session", SessionId("good-1"), State("before"));
        var good = new[] { ("good-1", State("after")), ("good-2", State("after")) };
        good[0].Item2.ETag = "1";
        good[0].Item2.RecordExists = true;
        var (blocked, release) = await BlockTheWriterAsync(storage, "blocker");

        // Queued behind the blocked write, these leave together; PostgreSQL refuses the third (text holds no NUL).
        var writes = good.Select(g => storage.WriteStateAsync("session", SessionId(g.Item1), g.Item2))
            .Append(storage.WriteStateAsync("session", SessionId("bad \0 key"), State("bad")))
            .ToArray();
        await release();
        await blocked;

        foreach (var write in writes)
        {
            var refused = await Assert.ThrowsAsync<StateNotSavedException>(() => write);
            Assert.Contains("SQL state", refused.Message);
        }
        Assert.Equal("before", await StoredFlowNameAsync("good-1"));
        Assert.Null(await StoredFlowNameAsync("good-2"));
        await using (var bad = DataSource.CreateCommand("SELECT count(*) FROM grain_state WHERE grain_key LIKE 'bad%'"))
        {
            Assert.Equal(0L, await bad.ExecuteScalarAsync());
        }
        // Alone: the setup's write, the blocker's first write and its blocked one; then the three together.
        Assert.Equal((4L, 6L), storage.WriteCounts);

        // The writer goes on: the same writes alone succeed.
        await storage.WriteStateAsync("session", SessionId("good-2"), State("after"));
        Assert.Equal("after", await StoredFlowNameAsync("good-2"));
    }

    [Fact]
    public async Task OfTwoWritersOfOneVersionInOneBatchOnlyOneWins()
    {
        await MigrateAsync();
        var storage = Storage(writes: new StorageWriteOptions { MaxBatchesInFlight = 1 });
        await storage.WriteStateAsync("session", SessionId("twice"), State("v1"));
        var (blocked, release) = await BlockTheWriterAsync(storage, "blocker");

        // Two activations of one grain (a cluster healing from a partition), both at version 1, in the same round trip.
        var writes = new[] { State("a"), State("b") }.Select(s =>
        {
            s.ETag = "1";
            s.RecordExists = true;
            return storage.WriteStateAsync("session", SessionId("twice"), s);
        }).ToArray();
        await release();
        await blocked;

        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return "saved";
            }
            catch (InconsistentStateException)
            {
                return "conflict";
            }
        }));
        Assert.Equal(["conflict", "saved"], outcomes.Order());
        Assert.Contains(await StoredFlowNameAsync("twice"), new[] { "a", "b" });
    }

    private Task<int> MigrateAsync() => DatabaseSchema.MigrateAsync(DataSource, NullLogger.Instance, default);

    private static GrainId SessionId(string key) => GrainId.Create("flow-session", key);

    [Fact]
    public async Task ProcessesStartingAtOnceMigrateTheSchemaExactlyOnce()
    {
        var before = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(MigrateAsync)));

        await using var command = DataSource.CreateCommand("SELECT count(*), max(version) FROM schema_version");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((DatabaseSchema.CurrentVersion, DatabaseSchema.CurrentVersion), ((int)reader.GetInt64(0), reader.GetInt32(1)));
        Assert.Single(before, version => version == 0); // one process migrated, the others found it done
    }

    [Fact]
    public async Task ADatabaseNewerThanTheCodeStopsStartUpWithAClearMessage()
    {
        await MigrateAsync();
        await using (var command = DataSource.CreateCommand($"INSERT INTO schema_version (version) VALUES ({DatabaseSchema.CurrentVersion + 1})"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(MigrateAsync);
        Assert.Contains("newer than this build", refused.Message);
    }

    [Fact]
    public async Task StateSavedAsJsonbBeforeVersion4ReadsBackAndWritesOnAsText()
    {
        await DatabaseSchema.MigrateAsync(DataSource, NullLogger.Instance, 3, default);
        await using (var insert = DataSource.CreateCommand(
            "INSERT INTO grain_state (service_id, grain_type, grain_key, state_name, version, payload) " +
            """VALUES ('tests', 'flow-session', 'old', 'session', 7, '{"flowName": "sign_up", "status": "Open", "currentScreen": "LOGIN"}'::jsonb)"""))
        {
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Equal(3, await MigrateAsync());

        var storage = Storage();
        var read = new GrainState<FlowSessionState>();
        await storage.ReadStateAsync("session", SessionId("old"), read);
        Assert.Equal(("sign_up", FlowSessionStatus.Open, "LOGIN", "7"), (read.State!.FlowName, read.State.Status, read.State.CurrentScreen, read.ETag));
        read.State.CurrentScreen = "WELCOME";
        await storage.WriteStateAsync("session", SessionId("old"), read);
        Assert.Equal("8", read.ETag);
        await using var column = DataSource.CreateCommand(
            "SELECT data_type, (SELECT payload::jsonb->>'currentScreen' FROM grain_state WHERE grain_key = 'old') " +
            "FROM information_schema.columns WHERE table_name = 'grain_state' AND column_name = 'payload'");
        await using var reader = await column.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(("text", "WELCOME"), (reader.GetString(0), reader.GetString(1)));
    }

    [Fact]
    public async Task LargeStateIsCompressedWithLz4AndReadsBackWhole()
    {
        await MigrateAsync();
        var storage = Storage();
        // A long session: the step history is what grows past PostgreSQL's compression threshold (about 2 KB).
        var history = Enumerable.Range(0, 50)
            .Select(i => new FlowStepRecord(DateTimeOffset.UnixEpoch.AddSeconds(i), FlowRequestAction.DataExchange, "SIGN_UP", FlowStepOutcome.Answered, "SIGN_UP", "Passwords don't match"))
            .ToList();
        await storage.WriteStateAsync("session", SessionId("long"), new GrainState<FlowSessionState>(new FlowSessionState { FlowName = "sign_up", History = history }));

        await using var command = DataSource.CreateCommand("SELECT pg_column_compression(payload), length(payload::text) FROM grain_state WHERE grain_key = 'long'");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal("lz4", reader.GetString(0)); // Debian's PostgreSQL is built with lz4; pglz cost a sixth of the server's CPU per step
        Assert.True(reader.GetInt32(1) > 2048);
        var read = new GrainState<FlowSessionState>();
        await storage.ReadStateAsync("session", SessionId("long"), read);
        Assert.Equal(history, read.State!.History);
    }

    [Fact]
    public async Task StateIsStoredAsPlainJsonWithoutTypeNamesAndReadBack()
    {
        await MigrateAsync();
        var storage = Storage();
        var state = new GrainState<FlowSessionState>(new FlowSessionState
        {
            FlowName = "sign_up",
            Status = FlowSessionStatus.Open,
            CurrentScreen = "LOGIN",
            Collected = new JsonObject { ["email"] = "ana@example.com" }, // in memory only: the grain stores it sealed
            SealedData = "v1:sealed",
            History = [new FlowStepRecord(DateTimeOffset.UnixEpoch, FlowRequestAction.DataExchange, "SIGN_UP", FlowStepOutcome.Answered, "LOGIN", null)],
        });

        await storage.WriteStateAsync("session", SessionId("k1"), state);
        var read = new GrainState<FlowSessionState>();
        await storage.ReadStateAsync("session", SessionId("k1"), read);

        await using var command = DataSource.CreateCommand("SELECT payload::text FROM grain_state WHERE grain_key = 'k1'");
        var json = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain("$type", json);
        Assert.Equal("Open", (string?)JsonNode.Parse(json)!["status"]);
        Assert.Equal("LOGIN", (string?)JsonNode.Parse(json)!["currentScreen"]);
        Assert.True(read.RecordExists);
        Assert.DoesNotContain("ana@example.com", json);
        Assert.Equal((FlowSessionStatus.Open, "LOGIN", "v1:sealed"), (read.State!.Status, read.State.CurrentScreen, read.State.SealedData));
        Assert.Single(read.State.History);
    }

    [Fact]
    public async Task OfTwoFirstWritesOnlyOneWinsAndAStaleWriterIsRefused()
    {
        await MigrateAsync();
        var storage = Storage();
        var first = new GrainState<FlowSessionState>(new FlowSessionState { FlowName = "a" });
        var second = new GrainState<FlowSessionState>(new FlowSessionState { FlowName = "b" });

        await storage.WriteStateAsync("session", SessionId("race"), first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("session", SessionId("race"), second));

        var stale = new GrainState<FlowSessionState>(first.State) { ETag = first.ETag, RecordExists = true };
        await storage.WriteStateAsync("session", SessionId("race"), first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("session", SessionId("race"), stale));
    }

    [Fact]
    public async Task AClearedStateReadsAsNewAndCannotBeResurrectedByAStaleWriter()
    {
        await MigrateAsync();
        var storage = Storage();
        var state = new GrainState<FlowSessionState>(new FlowSessionState { FlowName = "a" });
        await storage.WriteStateAsync("session", SessionId("gone"), state);
        var stale = new GrainState<FlowSessionState>(state.State) { ETag = state.ETag, RecordExists = true };

        await storage.ClearStateAsync("session", SessionId("gone"), state);
        var read = new GrainState<FlowSessionState>();
        await storage.ReadStateAsync("session", SessionId("gone"), read);

        Assert.False(read.RecordExists);
        Assert.Equal("", read.State!.FlowName);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("session", SessionId("gone"), stale));
    }

    [Fact]
    public async Task DeploymentsSharingADatabaseDoNotSeeEachOthersState()
    {
        await MigrateAsync();
        await Storage("blue").WriteStateAsync("session", SessionId("shared"), new GrainState<FlowSessionState>(new FlowSessionState { FlowName = "blue" }));

        var read = new GrainState<FlowSessionState>();
        await Storage("green").ReadStateAsync("session", SessionId("shared"), read);

        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task AnUnreachableDatabaseIsAStateNotSavedErrorThatQuotesNoStoredValue()
    {
        await MigrateAsync();
        var unreachable = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(unreachable);
        var storage = new PostgresGrainStorage("tests", dataSource, NullLogger<PostgresGrainStorage>.Instance);
        var state = new GrainState<FlowSessionState>(new FlowSessionState { FlowName = "secret-flow", Recipient = "15550001111" });

        var failed = await Assert.ThrowsAsync<StateNotSavedException>(() => storage.WriteStateAsync("session", SessionId("down"), state));

        Assert.Contains("session", failed.Message);
        Assert.DoesNotContain("15550001111", failed.ToString());
        Assert.Null(failed.InnerException);
    }
}
