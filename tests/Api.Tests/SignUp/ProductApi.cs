using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.TestSupport.Meta;
using Backend.TestSupport.Postgres;

namespace Backend.Api.Tests.SignUp;

/// <summary>A database of its own per test class, dropped at the end.</summary>
public sealed class SignUpDatabase() : PostgresFixture("signup")
{
    /// <summary>How many of <paramref name="emails"/> have a stored account (accounts are keyed by their email's hash).</summary>
    public Task<long> CountAccountsAsync(IEnumerable<string> emails) => CountStoredAsync("user", emails.Select(Backend.Grains.AccountKey.Of));
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
