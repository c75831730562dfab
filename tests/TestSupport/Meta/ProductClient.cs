using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Backend.TestSupport.Meta;

/// <summary>
/// The product as Meta and the business see it over HTTP: the admin API that issues flow tokens, one flow's
/// encrypted endpoint (requests encrypted and signed like Meta's; the sign-up flow unless <paramref name="flow"/>
/// names another), and the completion webhook.
/// </summary>
public sealed class ProductClient(HttpClient http, RSA businessKey, string appSecret, string adminToken, string flow = "sign_up")
{
    private readonly MetaFlowClient _meta = new(http, businessKey, appSecret);

    /// <summary>The client that encrypts and signs like Meta.</summary>
    public MetaFlowClient Meta => _meta;

    /// <summary>Issues a flow token through the admin API.</summary>
    public async Task<string> IssueAsync(string to = "15550001111")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/flows/{flow}/sessions") { Content = JsonContent.Create(new { to }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Issuing answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["flow_token"]!;
    }

    /// <summary>The session as the admin API shows it.</summary>
    public async Task<JsonObject?> SessionAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/sessions/{token}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request);
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
        var request = _meta.Seal(payload.ToJsonString());
        using var response = await _meta.PostAsync($"/flows/{flow}", request);
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

    /// <summary>
    /// A sign-up journey as a user goes through it, up to <paramref name="end"/>: issued, then SIGN_UP → LOGIN,
    /// then LOGIN → LOGIN_SUCCESS, then the completion webhook. Throws when an answer is not the expected screen.
    /// Returns the flow token.
    /// </summary>
    public async Task<string> SignUpJourneyAsync(string email, JourneyEnd end = JourneyEnd.Completed, string to = "15550001111")
    {
        var token = await IssueAsync(to);
        if (end >= JourneyEnd.SignedUp)
        {
            Expect(await SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass1"), "LOGIN");
        }
        if (end >= JourneyEnd.LoggedIn)
        {
            Expect(await LoginAsync(token, email, "S3cret-pass1"), "LOGIN_SUCCESS");
        }
        if (end >= JourneyEnd.Completed && await CompleteAsync(token, $"wamid.{Guid.NewGuid():N}") != HttpStatusCode.OK)
        {
            throw new InvalidOperationException("The completion webhook was refused.");
        }
        return token;
    }

    private static void Expect((int Status, JsonObject? Answer, string Body) step, string screen)
    {
        if (step.Status != 200 || (string?)step.Answer?["screen"] != screen)
        {
            throw new InvalidOperationException($"Expected screen {screen}, got {step.Status}: {step.Answer?.ToJsonString() ?? step.Body}");
        }
    }

    /// <summary>Delivers the completion webhook for <paramref name="token"/>, signed like Meta.</summary>
    public async Task<HttpStatusCode> CompleteAsync(string token, string messageId, bool stayLoggedIn = true)
    {
        var body = MetaWebhook.Completion(new JsonObject { ["flow_token"] = token, ["stay_logged_in"] = stayLoggedIn }, messageId).ToJsonString();
        return await PostWebhookAsync(body);
    }

    /// <summary>Delivers <paramref name="json"/> to the webhook, signed like Meta.</summary>
    public async Task<HttpStatusCode> PostWebhookAsync(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = content };
        message.Headers.TryAddWithoutValidation("X-Hub-Signature-256", MetaFlowClient.Sign(bytes, appSecret));
        using var response = await http.SendAsync(message);
        return response.StatusCode;
    }

}

/// <summary>Where a sign-up journey stops (<see cref="ProductClient.SignUpJourneyAsync"/>).</summary>
public enum JourneyEnd
{
    /// <summary>Issued only: the user never opened the flow.</summary>
    Issued,

    /// <summary>Signed up (on LOGIN now).</summary>
    SignedUp,

    /// <summary>Logged in (on LOGIN_SUCCESS now), no completion yet.</summary>
    LoggedIn,

    /// <summary>Completed through the webhook.</summary>
    Completed,
}
