using Npgsql;
using Xunit;

namespace Backend.TestSupport.Postgres;

/// <summary>
/// The one way tests get PostgreSQL: a fresh database on the shared throwaway server (<see cref="PostgresServer"/>),
/// created on <see cref="InitializeAsync"/> and dropped on <see cref="DisposeAsync"/>. A class fixture
/// (<c>IClassFixture&lt;PostgresFixture&gt;</c>), a base for one with more queries, or a member of a larger fixture.
/// </summary>
public class PostgresFixture(string purpose) : IAsyncLifetime
{
    private PostgresDatabase? _database;

    /// <summary>A fixture whose database is named for tests in general.</summary>
    public PostgresFixture()
        : this("test")
    {
    }

    /// <summary>The database's connection string.</summary>
    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync(purpose).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Every stored grain state, as text: what an operator (or an attacker with the database) sees.</summary>
    public async Task<string> AllStoredStateAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT string_agg(grain_type || ' ' || grain_key || ' ' || coalesce(payload::text, ''), E'\\n') FROM grain_state", connection);
        return (await command.ExecuteScalarAsync().ConfigureAwait(false)) as string ?? "";
    }

    /// <summary>How many grains of <paramref name="grainType"/> with one of <paramref name="grainKeys"/> have a stored state.</summary>
    public async Task<long> CountStoredAsync(string grainType, IEnumerable<string> grainKeys)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM grain_state WHERE grain_type = $1 AND payload IS NOT NULL AND grain_key = ANY($2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = grainType });
        command.Parameters.Add(new NpgsqlParameter { Value = grainKeys.ToArray() });
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }
}
