using System.Net;
using System.Text.Json.Nodes;
using Backend.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Backend.Api.Tests.SignUp;

/// <summary>Every branch of the seeds' sign-up flow, with the exact screens, data and messages, on Postgres.</summary>
public sealed class SignUpFlowTests(SignUpDatabase database) : IClassFixture<SignUpDatabase>, IDisposable
{
    private readonly ProductApi _api = new(database.ConnectionString);

    public void Dispose() => _api.Dispose();

    private static string Email() => $"user-{Guid.NewGuid():N}@example.com";

    private static void AssertAnswer((int Status, JsonObject? Answer, string Body) step, string screen, string data)
    {
        Assert.True(step.Status == 200, $"status {step.Status}: {step.Body}");
        var expected = JsonNode.Parse($$"""{"screen":"{{screen}}","data":{{data}}}""");
        Assert.True(JsonNode.DeepEquals(expected, step.Answer), $"expected {expected!.ToJsonString()}\nactual   {step.Answer!.ToJsonString()}");
    }

    private async Task<(string Token, string Email, string Password)> RegisteredAsync()
    {
        var token = await _api.IssueAsync();
        var email = Email();
        AssertAnswer(await _api.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass"), "LOGIN",
            $$"""{"email_initial_value":"{{email}}","password_initial_value":""}""");
        return (token, email, "S3cret-pass");
    }

    [Fact]
    public async Task InitOpensTheStartScreen()
    {
        var token = await _api.IssueAsync();
        AssertAnswer(await _api.StepAsync(token, "INIT"), "START", "{}");
    }

    [Fact]
    public async Task ANewAccountGoesToLoginWithTheEmailPrefilledAndIsStoredWithAHashedPassword()
    {
        var token = await _api.IssueAsync();
        var email = Email();

        AssertAnswer(await _api.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass"), "LOGIN",
            $$"""{"email_initial_value":"{{email}}","password_initial_value":""}""");

        var user = _api.Factory.Services.GetRequiredService<IGrainFactory>().GetUser(email);
        var profile = await user.GetProfile();
        Assert.Equal(("Ana", "Silva", email), (profile!.FirstName, profile.LastName, profile.Email));
        Assert.True(await user.VerifyPassword("S3cret-pass"));
        Assert.Contains("pbkdf2-sha256$100000$", await database.AllStoredStateAsync());
    }

    [Fact]
    public async Task ASignUpSentAgainWithTheSameTokenGetsTheSameAnswer()
    {
        var token = await _api.IssueAsync();
        var email = $"again-{Guid.NewGuid():N}@example.com";

        var first = await _api.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass");
        var again = await _api.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass");

        var login = $$"""{"email_initial_value":"{{email}}","password_initial_value":""}""";
        AssertAnswer(first, "LOGIN", login);
        AssertAnswer(again, "LOGIN", login);
    }

    [Fact]
    public async Task SigningUpWithARegisteredEmailGoesToLoginAskingToLogIn()
    {
        var (_, email, _) = await RegisteredAsync();
        var token = await _api.IssueAsync();

        AssertAnswer(await _api.SignUpAsync(token, "Other", "Person", email, "0ther-pass"), "LOGIN",
            $$"""{"email_initial_value":"{{email}}","password_initial_value":"","error_message":"You are already registered. Please login"}""");
    }

    [Fact]
    public async Task AnEmailIsTheSameAccountWhateverItsCase()
    {
        var (_, email, _) = await RegisteredAsync();
        var token = await _api.IssueAsync();
        var shouted = "  " + email.ToUpperInvariant();

        var step = await _api.SignUpAsync(token, "Ana", "Silva", shouted, "S3cret-pass");

        Assert.Equal("You are already registered. Please login", (string?)step.Answer!["data"]!["error_message"]);
    }

    [Fact]
    public async Task MismatchedPasswordsReturnToSignUpKeepingTheOtherFields()
    {
        var token = await _api.IssueAsync();
        var email = Email();

        AssertAnswer(await _api.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass", confirm: "S3cret-pasz"), "SIGN_UP",
            $$"""{"first_name_initial_value":"Ana","last_name_initial_value":"Silva","email_initial_value":"{{email}}","password_initial_value":"","confirm_password_initial_value":"","error_message":"Passwords do not match"}""");
        Assert.Null(await _api.Factory.Services.GetRequiredService<IGrainFactory>().GetUser(email).GetProfile());
    }

    [Fact]
    public async Task APasswordWithoutADigitReturnsToSignUp()
    {
        var token = await _api.IssueAsync();
        var email = Email();

        AssertAnswer(await _api.SignUpAsync(token, "Ana", "Silva", email, "no-digits-here"), "SIGN_UP",
            $$"""{"first_name_initial_value":"Ana","last_name_initial_value":"Silva","email_initial_value":"{{email}}","password_initial_value":"","confirm_password_initial_value":"","error_message":"Password must contain at least one number"}""");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("two@@example.com")]
    public async Task AnImplausibleEmailReturnsToSignUpAndCreatesNothing(string email)
    {
        var token = await _api.IssueAsync();

        AssertAnswer(await _api.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass"), "SIGN_UP",
            $$"""{"first_name_initial_value":"Ana","last_name_initial_value":"Silva","email_initial_value":"{{email}}","password_initial_value":"","confirm_password_initial_value":"","error_message":"Please enter a valid email address"}""");
    }

    [Fact]
    public async Task LoggingInWithoutAnAccountGoesToSignUpWithTheEmailPrefilled()
    {
        var token = await _api.IssueAsync();
        var email = Email();

        AssertAnswer(await _api.LoginAsync(token, email, "S3cret-pass"), "SIGN_UP",
            $$"""{"first_name_initial_value":"","last_name_initial_value":"","email_initial_value":"{{email}}","password_initial_value":"","confirm_password_initial_value":"","error_message":"You are not registered. Please sign up"}""");
    }

    [Fact]
    public async Task AWrongPasswordStaysOnLogin()
    {
        var (token, email, _) = await RegisteredAsync();

        AssertAnswer(await _api.LoginAsync(token, email, "Wr0ng-pass"), "LOGIN",
            $$"""{"email_initial_value":"{{email}}","password_initial_value":"","error_message":"Incorrect password"}""");
    }

    [Fact]
    public async Task TheRightPasswordReachesLoginSuccess()
    {
        var (token, email, password) = await RegisteredAsync();

        AssertAnswer(await _api.LoginAsync(token, email, password), "LOGIN_SUCCESS", "{}");
    }

    [Fact]
    public async Task TheSessionRecordsScreensAndHistoryButNoPassword()
    {
        var (token, email, password) = await RegisteredAsync();
        await _api.LoginAsync(token, email, "Wr0ng-pass-1");
        await _api.LoginAsync(token, email, password);

        var session = await _api.SessionAsync(token);

        Assert.Equal(("open", "LOGIN_SUCCESS"), ((string?)session!["status"], (string?)session["current_screen"]));
        Assert.Equal(email, (string?)session["collected"]!["email"]);
        Assert.Null(session["collected"]!["password"]);
        Assert.Equal(["LOGIN", "LOGIN", "LOGIN_SUCCESS"], session["history"]!.AsArray().Select(h => (string?)h!["next_screen"]));
        Assert.Equal("Incorrect password", (string?)session["history"]![1]!["error_message"]);
        Assert.DoesNotContain(password, session.ToJsonString());
        Assert.DoesNotContain("Wr0ng-pass-1", session.ToJsonString());
    }

    [Fact]
    public async Task TheCompletionWebhookCompletesTheSessionOnceAndLaterRequestsGet427()
    {
        var (token, email, password) = await RegisteredAsync();
        AssertAnswer(await _api.LoginAsync(token, email, password), "LOGIN_SUCCESS", "{}");

        Assert.Equal(HttpStatusCode.OK, await _api.CompleteAsync(token, "wamid.COMPLETE-" + token));
        var completed = await _api.SessionAsync(token);
        Assert.Equal(HttpStatusCode.OK, await _api.CompleteAsync(token, "wamid.COMPLETE-" + token));
        Assert.Equal(HttpStatusCode.OK, await _api.CompleteAsync(token, "wamid.OTHER-DELIVERY-" + token, stayLoggedIn: false));
        var afterReplays = await _api.SessionAsync(token);
        var later = await _api.LoginAsync(token, email, password);

        Assert.Equal("completed", (string?)completed!["status"]);
        Assert.True((bool)completed["completion_response"]!["stay_logged_in"]!);
        Assert.True(JsonNode.DeepEquals(completed, afterReplays), "a replayed webhook changed the session");
        Assert.Equal(427, later.Status);
        Assert.Contains("no longer valid", later.Body);
    }

    [Fact]
    public async Task ATokenThisBackendDidNotIssueGets427()
    {
        var step = await _api.StepAsync("made-up-token-" + Guid.NewGuid(), "INIT");
        Assert.Equal(427, step.Status);
    }

    [Fact]
    public async Task AnInvalidatedTokenGets427()
    {
        var token = await _api.IssueAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/sessions/{token}/invalidate");
        request.Headers.Authorization = new("Bearer", ProductApi.AdminToken);
        using var invalidated = await _api.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, invalidated.StatusCode);
        Assert.Equal(427, (await _api.StepAsync(token, "INIT")).Status);
    }

    [Fact]
    public async Task AnUnknownScreenIsAClearFailureNotACrash()
    {
        var token = await _api.IssueAsync();

        var step = await _api.StepAsync(token, "data_exchange", "NO_SUCH_SCREEN", []);
        var stillWorks = await _api.StepAsync(token, "INIT");

        Assert.Equal(501, step.Status);
        Assert.Contains("No handler of flow 'sign_up' matches", step.Body);
        Assert.Equal(200, stillWorks.Status);
    }

    [Fact]
    public async Task TheAdminApiNeedsItsToken()
    {
        using var anonymous = await _api.Http.PostAsync("/admin/flows/sign_up/sessions", System.Net.Http.Json.JsonContent.Create(new { to = "1555" }));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/sessions/x");
        wrong.Headers.Authorization = new("Bearer", "not-the-token");
        using var refused = await _api.Http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task IssuingReturnsTheGraphApiMessageThatSendsTheFlow()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/flows/sign_up/sessions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { to = "15550001111", flow_id = "1234567890", cta = "Sign up", body = "Create your account", mode = "draft" }),
        };
        request.Headers.Authorization = new("Bearer", ProductApi.AdminToken);
        using var response = await _api.Http.SendAsync(request);
        var issued = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<JsonObject>(response.Content);

        var token = (string)issued!["flow_token"]!;
        Assert.True(token.Length >= 43, "at least 256 bits, base64url");
        var expected = JsonNode.Parse("""
            {"messaging_product":"whatsapp","recipient_type":"individual","to":"15550001111","type":"interactive",
             "interactive":{"type":"flow","body":{"text":"Create your account"},
               "action":{"name":"flow","parameters":{"flow_message_version":"3","flow_token":"TOKEN","flow_id":"1234567890",
                 "flow_cta":"Sign up","flow_action":"navigate","flow_action_payload":{"screen":"START"},"mode":"draft"}}}}
            """.Replace("TOKEN", token, StringComparison.Ordinal));
        Assert.True(JsonNode.DeepEquals(expected, issued["message"]), issued["message"]!.ToJsonString());
        Assert.Equal("sent", (string?)(await _api.SessionAsync(token))!["status"]);
    }
}

/// <summary>A completion that arrives before its session exists does not use up its message id.</summary>
public sealed class EarlyCompletionTests(SignUpDatabase database) : IClassFixture<SignUpDatabase>
{
    [Fact]
    public async Task ACompletionForAnUnknownSessionIsProcessedWhenMetaDeliversItAgainLater()
    {
        // Meta's preview sends made-up tokens: with AnyToken a session starts with its first step.
        using var api = new ProductApi(database.ConnectionString, configure: f => f.Settings["FlowSessions:TokenPolicy"] = "AnyToken");
        var token = "preview-" + Guid.NewGuid().ToString("N");
        var messageId = $"wamid.EARLY-{Guid.NewGuid():N}";

        var early = await api.CompleteAsync(token, messageId);
        Assert.Equal(200, (await api.StepAsync(token, "INIT")).Status);
        var again = await api.CompleteAsync(token, messageId);

        Assert.Equal((System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.OK), (early, again));
        Assert.Equal("completed", (string?)(await api.SessionAsync(token))!["status"]);
    }
}
