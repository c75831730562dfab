using Microsoft.Extensions.Logging;
using Npgsql;

namespace Backend.Grains.Storage;

/// <summary>
/// The product's tables in PostgreSQL and their versioned migrations. Each start takes a transaction-scoped
/// advisory lock, reads the applied version from <c>schema_version</c> and applies what is missing in the same
/// transaction, so any number of processes may start at once, a second start changes nothing, and a failed
/// migration leaves the previous version intact. Migrations are only ever appended.
/// </summary>
/// <remarks>
/// One database serves grain state and (with the cluster) Orleans membership; both live here, distinguished by
/// <c>service_id</c> (one deployment) and, for membership, the cluster id.
/// </remarks>
public static partial class DatabaseSchema
{
    // Arbitrary constant shared by every process of the product ("flowsdb\0" in ASCII).
    private const long AdvisoryLockKey = 0x666c_6f77_7364_6200;

    // Servers built without lz4 keep pglz (migrations 3 and 4).
    private const string CompressStateWithLz4 = """
        DO $$
        BEGIN
            ALTER TABLE grain_state ALTER COLUMN payload SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            RAISE NOTICE 'lz4 is not available on this server: grain state stays compressed with pglz';
        END
        $$;
        """;

    private static readonly string[] Migrations =
    [
        // 1: grain state, one row per grain and state name, the state as plain JSON.
        """
        CREATE TABLE grain_state (
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
        COMMENT ON TABLE grain_state IS 'Orleans grain state (src/Grains/Storage/PostgresGrainStorage.cs)';
        COMMENT ON COLUMN grain_state.grain_key IS 'The grain key: hashes for sessions and accounts, never a flow token or an email';
        COMMENT ON COLUMN grain_state.version IS 'ETag: incremented by every write and clear';
        COMMENT ON COLUMN grain_state.payload IS 'The state record as JSON without .NET type names; NULL after a clear';
        """,
        // 2: Orleans cluster membership: a version per cluster, moved by compare-and-swap with every row change.
        """
        CREATE TABLE membership_version (
            service_id  text    NOT NULL,
            cluster_id  text    NOT NULL,
            version     integer NOT NULL,
            PRIMARY KEY (service_id, cluster_id)
        );
        CREATE TABLE membership (
            service_id      text        NOT NULL,
            cluster_id      text        NOT NULL,
            silo            text        NOT NULL,
            silo_name       text        NULL,
            host_name       text        NULL,
            status          integer     NOT NULL,
            proxy_port      integer     NOT NULL,
            suspect_times   text        NOT NULL,
            start_time      timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            role_name       text        NULL,
            update_zone     integer     NOT NULL,
            fault_zone      integer     NOT NULL,
            etag            integer     NOT NULL,
            PRIMARY KEY (service_id, cluster_id, silo),
            FOREIGN KEY (service_id, cluster_id) REFERENCES membership_version (service_id, cluster_id) ON DELETE CASCADE
        );
        COMMENT ON TABLE membership IS 'Orleans cluster membership (src/Grains/Clustering/PostgresMembershipTable.cs)';
        COMMENT ON COLUMN membership.silo IS 'The silo address: ip:port@generation';
        COMMENT ON COLUMN membership.status IS 'Orleans SiloStatus: 3 Active, 6 Dead, …';
        COMMENT ON COLUMN membership.suspect_times IS 'Death votes as JSON: [[silo, time], …]';
        """,
        // 3: LZ4 instead of pglz for state large enough to be compressed (a session's step history): pglz took about
        // a sixth of the database's CPU per step in the bench (docs/performance.md). Servers built without lz4 keep pglz.
        CompressStateWithLz4,
        // 4: the state as JSON text instead of jsonb. Every write converted the text into jsonb, which PostgreSQL
        // parses token by token, and every read printed it back; nothing queries inside the state on the hot path.
        // In a pgbench of the session state's own shape (2.4 KB, 8 clients) an update cost 121 µs of PostgreSQL CPU
        // as jsonb, 109 as json and 87 as text (docs/performance.md). Operators still query it with a cast:
        // payload::jsonb->>'status'. Rewrites the table once; LZ4 is set again, as the rewrite may drop it.
        """
        ALTER TABLE grain_state ALTER COLUMN payload TYPE text USING payload::text;
        COMMENT ON COLUMN grain_state.payload IS 'The state record as JSON text (query it as payload::jsonb) without .NET type names; NULL after a clear';
        """ + CompressStateWithLz4,
    ];

    /// <summary>The schema version this code expects.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>Brings the database to <see cref="CurrentVersion"/>; returns the version applied before.</summary>
    /// <exception cref="InvalidOperationException">The database is at a newer version than this code knows.</exception>
    public static Task<int> MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken) =>
        MigrateAsync(dataSource, logger, Migrations.Length, cancellationToken);

    /// <summary>Brings the database to <paramref name="target"/> (tests of a migration start from the version before it).</summary>
    internal static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, int target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, Migrations.Length);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection,
            """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    integer     PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken).ConfigureAwait(false);

        await using var select = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection);
        var applied = (int)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (applied > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The database schema is at version {applied}, newer than this build's {Migrations.Length}: run a newer build.");
        }
        for (var next = applied; next < target; next++)
        {
            await ExecuteAsync(connection, Migrations[next], cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES ($1)", connection);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next + 1 });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (applied < target)
        {
            LogMigrated(logger, applied, target);
        }
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(200, LogLevel.Information, "Database schema migrated from version {From} to {To}")]
    private static partial void LogMigrated(ILogger logger, int from, int to);
}
