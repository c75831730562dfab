using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.TestSupport.Meta;
using Backend.TestSupport.Postgres;
using Npgsql;

namespace Backend.Api.Tests.SignUp;

/// <summary>A database of its own per test class, dropped at the end.</summary>
public sealed class SignUpDatabase : IAsyncLifetime
{
    private PostgresDatabase? _database;

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync("signup");

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Every stored grain state, as text: what an operator (or an attacker with the database) sees.</summary>
    public async Task<string> AllStoredStateAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(grain_type || ' ' || grain_key || ' ' || coalesce(payload::text, ''), E'\\n') FROM grain_state", connection);
        return (await command.ExecuteScalarAsync()) as string ?? "";
    }

    /// <summary>How many of <paramref name="emails"/> have a stored account (accounts are keyed by their email's hash).</summary>
    public async Task<long> CountAccountsAsync(IEnumerable<string> emails)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM grain_state WHERE grain_type = 'user' AND payload IS NOT NULL AND grain_key = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = emails.Select(Backend.Grains.AccountKey.Of).ToArray() });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>
/// The product as deployed: grains persisted in Postgres, the real sign-up flow and webhook sink, the admin API,
/// reached over HTTP on 127.0.0.1 by a client that encrypts and signs like Meta.
/// </summary>
public sealed class ProductApi : IDisposable
{
    public const string AdminToken = "test-admin-token";
    private readonly HttpClient _http;

    /// <param name="connectionString">The database the grains persist to.</param>
    /// <param name="businessKey">The endpoint's key pair (kept across a restart); a new one when null.</param>
    /// <param name="configure">Further settings.</param>
    /// <param name="maxConnections">Client connections to the Api; requests beyond them wait in the client.</param>
    public ProductApi(string connectionString, RSA? businessKey = null, Action<FlowsApiFactory>? configure = null, int? maxConnections = null)
    {
        Factory = businessKey is null ? new FlowsApiFactory() : FlowsApiFactory.WithKey(businessKey);
        Factory.UseTestHandler = false;
        Factory.UseTestSink = false;
        Factory.Settings["Cluster:Storage"] = "Postgres";
        Factory.Settings["Cluster:ConnectionString"] = connectionString;
        Factory.Settings["Admin:Token"] = AdminToken;
        configure?.Invoke(Factory);
        var http = Factory.Http();
        _http = maxConnections is { } limit
            ? new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = limit }) { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) }
            : http;
        Client = new ProductClient(_http, Factory.BusinessKey, FlowsApiFactory.AppSecret, AdminToken);
        Meta = Client.Meta;
    }

    public FlowsApiFactory Factory { get; }

    public MetaFlowClient Meta { get; }

    public HttpClient Http => _http;

    public ProductClient Client { get; }

    /// <inheritdoc cref="ProductClient.IssueAsync"/>
    public Task<string> IssueAsync(string to = "15550001111") => Client.IssueAsync(to);

    /// <inheritdoc cref="ProductClient.SessionAsync"/>
    public Task<JsonObject?> SessionAsync(string token) => Client.SessionAsync(token);

    /// <inheritdoc cref="ProductClient.StepAsync"/>
    public Task<(int Status, JsonObject? Answer, string Body)> StepAsync(string token, string action, string? screen = null, JsonObject? data = null) =>
        Client.StepAsync(token, action, screen, data);

    public Task<(int Status, JsonObject? Answer, string Body)> SignUpAsync(string token, string first, string last, string email, string password, string? confirm = null) =>
        Client.SignUpAsync(token, first, last, email, password, confirm);

    public Task<(int Status, JsonObject? Answer, string Body)> LoginAsync(string token, string email, string password) =>
        Client.LoginAsync(token, email, password);

    /// <inheritdoc cref="ProductClient.CompleteAsync"/>
    public Task<HttpStatusCode> CompleteAsync(string token, string messageId, bool stayLoggedIn = true) => Client.CompleteAsync(token, messageId, stayLoggedIn);

    public void Dispose()
    {
        _http.Dispose();
        Factory.Dispose();
    }
}
