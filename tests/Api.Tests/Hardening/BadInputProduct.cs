using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Api.Tests.SignUp;
using Backend.Grains;
using Backend.TestSupport.Meta;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Backend.Api.Tests.Hardening;

/// <summary>
/// The product as deployed (Postgres storage, the real sign-up flow, the webhook sink, the admin API) with state worth
/// attacking: a registered account, a session half-way through the sign-up and a fresh one. Bad inputs are thrown at
/// it over HTTP; <see cref="SnapshotAsync"/> says whether anything changed.
/// </summary>
public sealed class BadInputProduct : IAsyncLifetime
{
    /// <summary>Values that must never come back in an answer or appear in a log line.</summary>
    public const string SecretEmail = "secret.person@example.com";
    public const string SecretPassword = "Pa55-SECRET-word";
    public const string DecryptedMarker = "DECRYPTED-MARKER";
    public const string EndpointPath = "/flows/sign_up";

    private readonly SignUpDatabase _database = new();
    private ProductApi? _api;

    public ProductApi Api => _api ?? throw new InvalidOperationException("Not initialized.");

    public MetaFlowClient Meta => Api.Meta;

    /// <summary>A session on its SIGN_UP screen (INIT answered), belonging to nobody yet.</summary>
    public string LiveToken { get; private set; } = "";

    /// <summary>The session that registered <see cref="SecretEmail"/>.</summary>
    public string RegisteredToken { get; private set; } = "";

    /// <summary>Every secret a case could leak: the tokens, the account's email and password, the payloads' marker.</summary>
    public IEnumerable<string> Secrets => [LiveToken, RegisteredToken, SecretEmail, SecretPassword, DecryptedMarker];

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _api = new ProductApi(_database.ConnectionString);
        RegisteredToken = await Api.IssueAsync();
        await Api.StepAsync(RegisteredToken, "INIT");
        var (status, _, _) = await Api.SignUpAsync(RegisteredToken, "Ana", "Lima", SecretEmail, SecretPassword);
        if (status != 200)
        {
            throw new InvalidOperationException($"The fixture's sign-up answered {status}.");
        }
        LiveToken = await Api.IssueAsync();
        await Api.StepAsync(LiveToken, "INIT");
    }

    public async Task DisposeAsync()
    {
        _api?.Dispose();
        await _database.DisposeAsync();
    }

    /// <summary>
    /// Everything stored and both sessions' live state: equal before and after a refused request. The dashboard's
    /// saved totals are left out: they count refusals too, and are written on their own cadence.
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) || ' ' || coalesce(md5(string_agg(grain_type || '/' || grain_key || '/' || version || '/' || coalesce(payload::text, ''), ',' " +
            "ORDER BY grain_type, grain_key)), '') FROM grain_state WHERE grain_type <> 'flow-stats'", connection);
        var stored = (string)(await command.ExecuteScalarAsync())!;
        // Through the co-hosted silo, not the admin API: its URL would carry the token.
        var grains = Api.Factory.Services.GetRequiredService<IGrainFactory>();
        var live = await grains.GetFlowSession(LiveToken).Get();
        var registered = await grains.GetFlowSession(RegisteredToken).Get();
        return stored + "\n" + JsonSerializer.Serialize(live) + "\n" + JsonSerializer.Serialize(registered);
    }

    /// <summary>Liveness, readiness and a real encrypted ping, all answered.</summary>
    public async Task<string?> UnhealthyBecauseAsync()
    {
        foreach (var path in new[] { "/healthz", "/readyz" })
        {
            using var response = await Api.Http.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"{path} answered {(int)response.StatusCode}";
            }
        }
        using var ping = await Meta.PostAsync(EndpointPath, Meta.Seal("""{"version":"3.0","action":"ping"}"""));
        return ping.StatusCode == HttpStatusCode.OK ? null : $"an encrypted ping answered {(int)ping.StatusCode}";
    }

    /// <summary>The endpoint with <paramref name="payload"/> as the decrypted request, sealed and signed like Meta.</summary>
    public Task<HttpResponseMessage> SealedAsync(string payload) => Meta.PostAsync(EndpointPath, Meta.Seal(payload));

    /// <summary>A data_exchange on the live session's SIGN_UP screen with <paramref name="dataJson"/> as its data, verbatim.</summary>
    public Task<HttpResponseMessage> SignUpStepAsync(string dataJson) =>
        SealedAsync("""{"version":"3.0","action":"data_exchange","screen":"SIGN_UP","flow_token":""" + Quote(LiveToken) + ""","data":""" + dataJson + "}");

    /// <summary>The sign-up form's data with one field's JSON value replaced (verbatim text, so escapes stay as written).</summary>
    public static string SignUpData(string field, string rawValue)
    {
        var fields = new Dictionary<string, string>
        {
            ["first_name"] = Quote(DecryptedMarker),
            ["last_name"] = "\"Lima\"",
            ["email"] = Quote("new." + SecretEmail),
            ["password"] = Quote(SecretPassword + "1"),
            ["confirm_password"] = Quote(SecretPassword + "1"),
        };
        fields[field] = rawValue;
        return "{" + string.Join(",", fields.Select(f => Quote(f.Key) + ":" + f.Value)) + "}";
    }

    /// <summary>The envelope of a sealed <paramref name="payload"/>, to tamper with.</summary>
    public JsonObject Envelope(string payload) => (JsonObject)JsonNode.Parse(Meta.Seal(payload).EnvelopeJson())!;

    public Task<HttpResponseMessage> EnvelopeAsync(JsonObject envelope) => RawEndpointAsync(Encoding.UTF8.GetBytes(envelope.ToJsonString()));

    public Task<HttpResponseMessage> RawEndpointAsync(byte[] body, string? signature = null, bool sign = true) =>
        Meta.PostRawAsync(EndpointPath, body, signature, sign);

    /// <summary>POST /webhook with <paramref name="body"/>, signed with the app secret unless told otherwise.</summary>
    public async Task<HttpResponseMessage> WebhookAsync(byte[] body, string? signature = null, bool sign = true)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = content };
        if ((signature ?? (sign ? MetaFlowClient.Sign(body, FlowsApiFactory.AppSecret) : null)) is { } value)
        {
            message.Headers.TryAddWithoutValidation("X-Hub-Signature-256", value);
        }
        return await Api.Http.SendAsync(message);
    }

    /// <summary>A completion webhook whose <c>response_json</c> text is <paramref name="responseJson"/>, verbatim.</summary>
    public static byte[] Completion(string responseJson) =>
        Encoding.UTF8.GetBytes(MetaWebhook.Completion(responseJson, "wamid.MATRIX").ToJsonString());

    /// <summary>An admin call with <paramref name="authorization"/> as the header (none when null).</summary>
    public async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, string? body = null, string? authorization = "Bearer " + ProductApi.AdminToken)
    {
        using var message = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return await Api.Http.SendAsync(message);
    }

    public static string Quote(string value) => JsonSerializer.Serialize(value);
}
