using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Backend.Runtime;

/// <summary>
/// Grain storage in PostgreSQL: one row per (service id, grain type, grain key, state name) in
/// table <c>grain_state</c>, with a <c>version</c> column as the ETag and the state as
/// <c>jsonb</c>. Writes are compare-and-swap on the version (<c>UPDATE … WHERE version = expected</c>);
/// first writes are <c>INSERT … ON CONFLICT DO NOTHING</c>, so of two concurrent first writes
/// exactly one succeeds. A clear keeps the row with a NULL payload and a new version, so a stale
/// writer can never resurrect cleared state.
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, IAsyncDisposable
{
    private const string KeyColumns = "service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4";
    private const string ReadSql = $"SELECT version, payload FROM grain_state WHERE {KeyColumns}";
    private const string InsertSql =
        "INSERT INTO grain_state (service_id, grain_type, grain_key, state_name, version, payload) " +
        "VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING";
    private const string UpdateSql =
        $"UPDATE grain_state SET version = version + 1, payload = $5, updated_at = now() WHERE {KeyColumns} AND version = $6";
    private const string VersionSql = $"SELECT version FROM grain_state WHERE {KeyColumns}";

    private readonly string _serviceId;
    private readonly GrainStateSerializer _serializer;
    private readonly ILogger _logger;

    /// <summary>Creates the provider and its connection pool. Call <see cref="EnsureSchemaAsync"/> before use.</summary>
    /// <param name="connectionString">An Npgsql connection string; never logged.</param>
    /// <param name="serviceId">Separates the state of different deployments sharing one database.</param>
    /// <param name="serializer">The state serializer.</param>
    /// <param name="logger">Optional logger.</param>
    public PostgresGrainStorage(string connectionString, string serviceId, GrainStateSerializer serializer, ILogger? logger = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same four statements run all the time: let Npgsql prepare them once per connection.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }
        DataSource = builder.Build();
        _serviceId = serviceId;
        _serializer = serializer;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The connection pool, shared with anything that wants to query grain state directly.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates or migrates the schema; idempotent and safe when several processes start at once.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var version = await PostgresSchema.EnsureAsync(DataSource, cancellationToken).ConfigureAwait(false);
        RuntimeLog.SchemaReady(_logger, version);
    }

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var command = Command(ReadSql, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (await reader.ReadAsync().ConfigureAwait(false))
        {
            var payload = await reader.IsDBNullAsync(1).ConfigureAwait(false) ? null : reader.GetString(1);
            grainState.State = payload is null ? GrainStateSerializer.NewState<T>() : _serializer.Deserialize<T>(payload);
            grainState.ETag = GrainStateSerializer.FormatEtag(reader.GetInt64(0));
            grainState.RecordExists = payload is not null;
        }
        else
        {
            grainState.State = GrainStateSerializer.NewState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var version = await StoreAsync(stateName, grainId, grainState.ETag, _serializer.Serialize(grainState.State)).ConfigureAwait(false);
        grainState.ETag = GrainStateSerializer.FormatEtag(version);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var version = await StoreAsync(stateName, grainId, grainState.ETag, json: null).ConfigureAwait(false);
        grainState.State = GrainStateSerializer.NewState<T>();
        grainState.ETag = GrainStateSerializer.FormatEtag(version);
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private async Task<long> StoreAsync(string stateName, GrainId grainId, string? etag, string? json)
    {
        var payload = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)json ?? DBNull.Value };
        if (etag is null)
        {
            await using var insert = Command(InsertSql, stateName, grainId);
            insert.Parameters.Add(payload);
            if (await insert.ExecuteNonQueryAsync().ConfigureAwait(false) == 1)
            {
                return 1;
            }
        }
        else
        {
            var expected = GrainStateSerializer.ParseEtag(etag, grainId);
            await using var update = Command(UpdateSql, stateName, grainId);
            update.Parameters.Add(payload);
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
            if (await update.ExecuteNonQueryAsync().ConfigureAwait(false) == 1)
            {
                return expected + 1;
            }
        }
        throw await ConflictAsync(stateName, grainId, etag).ConfigureAwait(false);
    }

    private async Task<InconsistentStateException> ConflictAsync(string stateName, GrainId grainId, string? etag)
    {
        await using var command = Command(VersionSql, stateName, grainId);
        var stored = await command.ExecuteScalarAsync().ConfigureAwait(false) is long version
            ? GrainStateSerializer.FormatEtag(version)
            : null;
        return new InconsistentStateException(
            $"Version conflict on state '{stateName}' of {grainId}: expected {etag ?? "no record"}, storage has {stored ?? "no record"}.",
            stored,
            etag);
    }

    private NpgsqlCommand Command(string sql, string stateName, GrainId grainId)
    {
        var command = DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        return command;
    }
}
