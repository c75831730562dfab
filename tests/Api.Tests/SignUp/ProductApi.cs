using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>Stored accounts whose email starts with <paramref name="emailPrefix"/> (tests of a class share the database).</summary>
    public async Task<long> CountAccountsAsync(string emailPrefix)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM grain_state WHERE grain_type = 'user' AND starts_with(payload->>'email', $1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = emailPrefix });
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
        Meta = new MetaFlowClient(_http, Factory.BusinessKey, FlowsApiFactory.AppSecret);
    }

    public FlowsApiFactory Factory { get; }

    public MetaFlowClient Meta { get; }

    public HttpClient Http => _http;

    /// <summary>Issues a flow token through the admin API.</summary>
    public async Task<string> IssueAsync(string to = "15550001111")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/flows/sign_up/sessions") { Content = JsonContent.Create(new { to }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["flow_token"]!;
    }

    /// <summary>The session as the admin API shows it.</summary>
    public async Task<JsonObject?> SessionAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/sessions/{token}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await _http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    /// <summary>One screen request; the decrypted answer on 200, the status otherwise.</summary>
    public async Task<(int Status, JsonObject? Answer, string Body)> StepAsync(string token, string action, string? screen = null, JsonObject? data = null)
    {
        var payload = new JsonObject { ["version"] = "3.0", ["action"] = action, ["flow_token"] = token };
        if (screen is not null)
        {
            payload["screen"] = screen;
        }
        if (data is not null)
        {
            payload["data"] = data;
        }
        var request = Meta.Seal(payload.ToJsonString());
        using var response = await Meta.PostAsync("/flows/sign_up", request);
        var body = await response.Content.ReadAsStringAsync();
        return (int)response.StatusCode == 200
            ? (200, (JsonObject)JsonNode.Parse(request.OpenResponse(body))!, body)
            : ((int)response.StatusCode, null, body);
    }

    public Task<(int Status, JsonObject? Answer, string Body)> SignUpAsync(string token, string first, string last, string email, string password, string? confirm = null) =>
        StepAsync(token, "data_exchange", "SIGN_UP", new JsonObject
        {
            ["first_name"] = first, ["last_name"] = last, ["email"] = email, ["password"] = password, ["confirm_password"] = confirm ?? password,
        });

    public Task<(int Status, JsonObject? Answer, string Body)> LoginAsync(string token, string email, string password) =>
        StepAsync(token, "data_exchange", "LOGIN", new JsonObject { ["email"] = email, ["password"] = password });

    /// <summary>Delivers the completion webhook for <paramref name="token"/>, signed like Meta.</summary>
    public async Task<HttpStatusCode> CompleteAsync(string token, string messageId, bool stayLoggedIn = true)
    {
        var responseJson = new JsonObject { ["flow_token"] = token, ["stay_logged_in"] = stayLoggedIn }.ToJsonString();
        var body = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "15550783881", ["phone_number_id"] = "106540352242922" },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Ana" }, ["wa_id"] = "15550001111" }),
                        ["messages"] = new JsonArray(new JsonObject
                        {
                            ["context"] = new JsonObject { ["from"] = "15550783881", ["id"] = "wamid.FLOW" },
                            ["from"] = "15550001111",
                            ["id"] = messageId,
                            ["timestamp"] = "1714510003",
                            ["type"] = "interactive",
                            ["interactive"] = new JsonObject
                            {
                                ["type"] = "nfm_reply",
                                ["nfm_reply"] = new JsonObject { ["name"] = "flow", ["body"] = "Sent", ["response_json"] = responseJson },
                            },
                        }),
                    },
                }),
            }),
        }.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = content };
        message.Headers.TryAddWithoutValidation("X-Hub-Signature-256", MetaFlowClient.Sign(bytes, FlowsApiFactory.AppSecret));
        using var response = await _http.SendAsync(message);
        return response.StatusCode;
    }

    public void Dispose()
    {
        _http.Dispose();
        Factory.Dispose();
    }
}
