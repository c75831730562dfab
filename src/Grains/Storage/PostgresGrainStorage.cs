using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;

namespace Backend.Grains.Storage;

/// <summary>
/// Orleans grain storage in PostgreSQL: one row per (service id, grain type, grain key, state name) in table
/// <c>grain_state</c>, the state as plain JSON (<see cref="GrainStateJson"/>) and a <c>version</c> column as the
/// ETag. Writes are compare-and-swap on the version; a first write is an insert that only one writer can win, so
/// of two activations racing on one grain (a cluster healing from a partition) the second gets
/// <see cref="InconsistentStateException"/> and re-reads. A clear keeps the row with a NULL payload and a new
/// version, so a stale writer can never resurrect cleared state.
/// </summary>
/// <remarks>
/// Writes go through <see cref="GroupCommit"/>: concurrent writes of different grains share a round trip and a
/// commit, each still answered only once its row is written.
/// Database failures surface as <see cref="StateNotSavedException"/> naming the state and the SQL state, never
/// with PostgreSQL's message, detail or context, which can quote the stored JSON (emails).
/// </remarks>
public sealed partial class PostgresGrainStorage(
    string serviceId, NpgsqlDataSource dataSource, ILogger<PostgresGrainStorage> logger, StorageWriteOptions? writes = null)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly GroupCommit _writes = new(dataSource, writes ?? new());

    private const string KeyColumns = "service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4";
    private const string ReadSql = $"SELECT version, payload FROM grain_state WHERE {KeyColumns}";
    private const string InsertSql =
        "INSERT INTO grain_state (service_id, grain_type, grain_key, state_name, version, payload) " +
        "VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING";
    private const string UpdateSql =
        $"UPDATE grain_state SET version = version + 1, payload = $5, updated_at = now() WHERE {KeyColumns} AND version = $6";
    private const string VersionSql = $"SELECT version FROM grain_state WHERE {KeyColumns}";

    /// <summary>Migrates the schema before any grain can activate.</summary>
    public void Participate(ISiloLifecycle observer) =>
        observer.Subscribe(nameof(PostgresGrainStorage), ServiceLifecycleStage.RuntimeStorageServices,
            ct => DatabaseSchema.MigrateAsync(dataSource, logger, ct));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync("read", stateName, grainId, async () =>
        {
            await using var command = Command(ReadSql, stateName, grainId);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            if (await reader.ReadAsync().ConfigureAwait(false))
            {
                var payload = await reader.IsDBNullAsync(1).ConfigureAwait(false) ? null : reader.GetString(1);
                grainState.State = payload is null ? NewState<T>() : JsonSerializer.Deserialize<T>(payload, GrainStateJson.Options) ?? NewState<T>();
                grainState.ETag = FormatEtag(reader.GetInt64(0));
                grainState.RecordExists = payload is not null;
            }
            else
            {
                grainState.State = NewState<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
            }
        });

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync("write", stateName, grainId, async () =>
        {
            var json = JsonSerializer.Serialize(grainState.State, GrainStateJson.Options);
            grainState.ETag = FormatEtag(await StoreAsync(stateName, grainId, grainState.ETag, json).ConfigureAwait(false));
            grainState.RecordExists = true;
        });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync("clear", stateName, grainId, async () =>
        {
            grainState.ETag = FormatEtag(await StoreAsync(stateName, grainId, grainState.ETag, json: null).ConfigureAwait(false));
            grainState.State = NewState<T>();
            grainState.RecordExists = false;
        });

    private async Task GuardAsync(string operation, string stateName, GrainId grainId, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or IOException)
        {
            var reason = ex is PostgresException postgres ? $"SQL state {postgres.SqlState}" : ex.GetType().Name;
            LogFailed(logger, operation, stateName, grainId, reason);
            throw new StateNotSavedException($"Could not {operation} state '{stateName}' of {grainId}: {reason}.");
        }
    }

    private async Task<long> StoreAsync(string stateName, GrainId grainId, string? etag, string? json)
    {
        var key = Key(stateName, grainId);
        if (etag is null)
        {
            if (await _writes.ExecuteAsync(InsertSql, key, json, version: null).ConfigureAwait(false) == 1)
            {
                return 1;
            }
        }
        else
        {
            var expected = ParseEtag(etag);
            if (await _writes.ExecuteAsync(UpdateSql, key, json, expected).ConfigureAwait(false) == 1)
            {
                return expected + 1;
            }
        }
        await using var command = Command(VersionSql, stateName, grainId);
        var stored = await command.ExecuteScalarAsync().ConfigureAwait(false) is long version ? FormatEtag(version) : null;
        throw new InconsistentStateException(
            $"Version conflict on state '{stateName}' of {grainId}: expected {etag ?? "no record"}, storage has {stored ?? "no record"}.",
            stored, etag);
    }

    /// <summary>How many round trips carried how many writes since this storage started.</summary>
    internal (long Batches, long Writes) WriteCounts => _writes.Counts;

    private NpgsqlCommand Command(string sql, string stateName, GrainId grainId)
    {
        var command = dataSource.CreateCommand(sql);
        Key(stateName, grainId).AddTo(command.Parameters);
        return command;
    }

    private GroupCommit.RowKey Key(string stateName, GrainId grainId) =>
        new(serviceId, grainId.Type.ToString(), grainId.Key.ToString(), stateName);

    private static T NewState<T>() => Activator.CreateInstance<T>();

    private static string FormatEtag(long version) => version.ToString(CultureInfo.InvariantCulture);

    // A malformed ETag can never match a stored version.
    private static long ParseEtag(string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;

    [LoggerMessage(201, LogLevel.Warning, "Grain storage {Operation} of state {StateName} of {GrainId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string operation, string stateName, GrainId grainId, string reason);
}
