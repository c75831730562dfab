using Npgsql;

namespace Backend.Runtime;

/// <summary>
/// The runtime's tables and their migrations. Each start takes a transaction-scoped advisory lock,
/// reads the applied version from <c>grain_runtime_schema</c> and applies what is missing, so any
/// number of processes may start at once and a second start changes nothing.
/// </summary>
internal static class PostgresSchema
{
    // Arbitrary constant shared by every process of the runtime ("grainsch" in ASCII).
    private const long AdvisoryLockKey = 0x6772_6169_6e73_6368;
    private const string Component = "grain_state";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS grain_state (
            service_id  text        NOT NULL,
            grain_type  text        NOT NULL,
            grain_key   text        NOT NULL,
            state_name  text        NOT NULL,
            version     bigint      NOT NULL,
            payload     jsonb       NULL,
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (service_id, grain_type, grain_key, state_name)
        );
        COMMENT ON COLUMN grain_state.version IS 'ETag: incremented by every write and clear';
        COMMENT ON COLUMN grain_state.payload IS 'State as JSON; NULL after a clear';
        """,
    ];

    /// <summary>The schema version this code expects.</summary>
    public static int CurrentVersion => Migrations.Length;

    public static async Task<int> EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection,
            """
            CREATE TABLE IF NOT EXISTS grain_runtime_schema (
                component  text        PRIMARY KEY,
                version    integer     NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken).ConfigureAwait(false);

        await using var select = new NpgsqlCommand("SELECT version FROM grain_runtime_schema WHERE component = $1", connection);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Component });
        var applied = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : 0;
        if (applied > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The database's grain state schema is at version {applied}, newer than this runtime's {Migrations.Length}; upgrade the runtime.");
        }
        for (var next = applied; next < Migrations.Length; next++)
        {
            await ExecuteAsync(connection, Migrations[next], cancellationToken).ConfigureAwait(false);
        }
        if (applied < Migrations.Length)
        {
            await using var record = new NpgsqlCommand(
                "INSERT INTO grain_runtime_schema (component, version) VALUES ($1, $2) " +
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_at = now()", connection);
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Component });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Migrations.Length });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Migrations.Length;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
