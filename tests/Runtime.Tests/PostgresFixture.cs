using Backend.TestSupport.Postgres;
using Npgsql;

namespace Backend.Runtime.Tests;

/// <summary>A fresh database per test class on the test process's PostgreSQL.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresDatabase? _database;

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync(GetType().Name);

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}
