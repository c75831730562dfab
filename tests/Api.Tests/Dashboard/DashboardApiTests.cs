using System.Net;
using System.Text.Json.Nodes;
using Backend.Api.Tests.SignUp;
using Backend.TestSupport.Dashboard;
using Backend.TestSupport.Meta;

namespace Backend.Api.Tests.Dashboard;

/// <summary>The dashboard's JSON API on the product (Postgres, real sign-up flow, real HTTP), behind its sign-in.</summary>
public sealed class DashboardApiTests(SignUpDatabase database) : IClassFixture<SignUpDatabase>, IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    // A service id of its own per test: the dashboard's totals are saved in the database, which the class's tests share.
    private readonly ProductApi _api = new(database.ConnectionString, configure: f =>
    {
        f.Settings["Dashboard:ReportInterval"] = "00:00:00.250";
        f.Settings["Cluster:ServiceId"] = $"dash-{Guid.NewGuid():N}";
    });

    private Task<DashboardClient> SignInAsync() => DashboardClient.SignInAsync(_api.Http.BaseAddress!, ProductApi.AdminToken);

    private static long Count(JsonObject flow, string name) => (long)flow[name]!;

    private static JsonObject? Screen(JsonObject flow, string screen) =>
        flow["funnel"]!.AsArray().OfType<JsonObject>().FirstOrDefault(s => (string?)s["screen"] == screen);

    [Fact]
    public async Task TheFiguresFollowTheJourneysSent()
    {
        using var dashboard = await SignInAsync();
        var prefix = $"dash-{Guid.NewGuid():N}"[..13];
        var ends = new[] { JourneyEnd.Issued, JourneyEnd.SignedUp, JourneyEnd.SignedUp, JourneyEnd.LoggedIn, JourneyEnd.Completed, JourneyEnd.Completed, JourneyEnd.Completed };
        for (var i = 0; i < ends.Length; i++)
        {
            await _api.Client.SignUpJourneyAsync($"{prefix}-{i}@example.com", ends[i]);
        }

        var flow = await dashboard.WaitForAsync("sign_up", f => Count(f, "completed") == 3 && Count(f, "steps") == 10, Settle);

        Assert.Equal((7L, 6L, 3L, 0L, 0L), (Count(flow, "issued"), Count(flow, "opened"), Count(flow, "completed"), Count(flow, "expired"), Count(flow, "invalidated")));
        Assert.Equal(3.0 / 7, (double)flow["completion_rate"]!, 3);
        // Open sessions: the two on LOGIN and the one on LOGIN_SUCCESS without a completion.
        Assert.Equal(3L, Count(flow, "active"));
        Assert.Equal((6L, 6L, 4L), ((long)Screen(flow, "SIGN_UP")!["reached"]!, (long)Screen(flow, "LOGIN")!["reached"]!, (long)Screen(flow, "LOGIN_SUCCESS")!["reached"]!));
        Assert.Equal((0L, 2L, 4L), ((long)Screen(flow, "SIGN_UP")!["at"]!, (long)Screen(flow, "LOGIN")!["at"]!, (long)Screen(flow, "LOGIN_SUCCESS")!["at"]!));
        Assert.Equal(10L, (long)flow["statuses"]!["2xx"]!);
        var window = flow["windows"]!.AsArray()[0]!;
        Assert.Equal((5, 10L), ((int)window["minutes"]!, (long)window["requests"]!));
        Assert.True((double)window["p50_ms"]! > 0);
        Assert.False((bool)window["latency_alert"]!);
        Assert.Equal(Count(flow, "issued"), Count((await dashboard.FlowAsync("*"))!, "issued"));
    }

    [Fact]
    public async Task RefusalsAndMetasNotificationsAndAlertsAreCounted()
    {
        using var dashboard = await SignInAsync();
        var token = await _api.IssueAsync();
        Assert.Equal(200, (await _api.StepAsync(token, "INIT")).Status);
        await _api.Client.Meta.PostAsync("/flows/sign_up", _api.Client.Meta.Seal(new JsonObject
        {
            ["version"] = "3.0", ["action"] = "data_exchange", ["flow_token"] = token, ["screen"] = "START",
            ["data"] = new JsonObject { ["error"] = "INVALID_SCREEN_TRANSITION", ["error_message"] = "boom" },
        }.ToJsonString()));
        await _api.Client.Meta.PostAsync("/flows/sign_up", _api.Client.Meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"never-issued"}"""));
        using (var unsigned = new ByteArrayContent("{}"u8.ToArray()))
        {
            await _api.Http.PostAsync("/flows/sign_up", unsigned);
        }
        Assert.Equal(HttpStatusCode.OK, await PostFlowsEventAsync("ENDPOINT_LATENCY", "p90 latency above 1s"));

        var flow = await dashboard.WaitForAsync("sign_up", f => (long)f["statuses"]!["432"]! >= 1 && (long)f["statuses"]!["427"]! >= 1
            && f["error_notifications"]!["INVALID_SCREEN_TRANSITION"] is not null, Settle);
        Assert.True((double)flow["windows"]!.AsArray()[0]!["error_rate"]! > 0);
        // The webhook's alert reaches the overview with the node's next report, which may come after the counts above.
        static JsonObject? Alert(JsonObject overview) =>
            overview["alerts"]!.AsArray().OfType<JsonObject>().FirstOrDefault(a => (string?)a["event"] == "ENDPOINT_LATENCY");
        var alert = Alert(await dashboard.WaitForOverviewAsync(o => Alert(o) is not null, Settle))!;
        Assert.Equal("p90 latency above 1s", (string?)alert["message"]);
    }

    [Fact]
    public async Task ASessionsPageShowsItsScreenPathAndNothingTheUserTyped()
    {
        using var dashboard = await SignInAsync();
        var email = $"page-{Guid.NewGuid():N}@example.com";
        var token = await _api.Client.SignUpJourneyAsync(email, JourneyEnd.LoggedIn, to: "15557654321");
        var key = Backend.Grains.FlowSessionKey.Of(token);

        var text = (await dashboard.SessionTextAsync(key))!;
        var session = (JsonObject)JsonNode.Parse(text)!;

        Assert.Equal(["SIGN_UP", "LOGIN"], session["path"]!.AsArray().Select(s => (string?)s!["screen"]));
        Assert.Equal(["LOGIN", "LOGIN_SUCCESS"], session["path"]!.AsArray().Select(s => (string?)s!["next_screen"]));
        Assert.Equal(("open", "•••••••4321"), ((string?)session["status"], (string?)session["recipient"]));
        foreach (var secret in new[] { token, email, "S3cret-pass1", "15557654321", "Silva" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
        var overview = await dashboard.OverviewTextAsync();
        Assert.DoesNotContain(token, overview, StringComparison.Ordinal);
        Assert.DoesNotContain(email, overview, StringComparison.OrdinalIgnoreCase);
        Assert.Null(await dashboard.SessionTextAsync("not-a-session-key"));
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/sessions/0123456789012345678901234567890123456789012")]
    [InlineData("/dashboard/orleans/")]
    public async Task PagesRedirectToTheSignInWithoutTheCookie(string path)
    {
        using var http = NoRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await http.SendAsync(request);
        Assert.Equal((HttpStatusCode.Redirect, "/dashboard/signin"), (response.StatusCode, response.Headers.Location?.OriginalString));
    }

    [Theory]
    [InlineData("/dashboard/api/overview")]
    [InlineData("/dashboard/api/sessions/0123456789012345678901234567890123456789012")]
    [InlineData("/dashboard/orleans/DashboardCounters")]
    [InlineData("/dashboard/orleans/ClusterStats")]
    public async Task DataAnswers401WithoutTheCookieOrWithAForgedOne(string path)
    {
        using var http = NoRedirects();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, path);
        forged.Headers.Add("Cookie", $"dashboard_session={DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}.AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task SignInTakesOnlyTheAdminTokenFromThisOriginAndSetsAStrictHttpOnlyCookie()
    {
        using var http = NoRedirects();
        using var wrong = await http.PostAsync("/dashboard/signin", new FormUrlEncodedContent([new("token", "not-the-token")]));
        Assert.Equal("/dashboard/signin?failed=1", wrong.Headers.Location?.OriginalString);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/dashboard/signin") { Content = new FormUrlEncodedContent([new("token", ProductApi.AdminToken)]) };
        crossSite.Headers.Add("Origin", "https://attacker.example");
        using var refused = await http.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var right = await http.PostAsync("/dashboard/signin", new FormUrlEncodedContent([new("token", ProductApi.AdminToken)]));
        var cookie = Assert.Single(right.Headers.GetValues("Set-Cookie"));
        Assert.Equal("/dashboard", right.Headers.Location?.OriginalString);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ProductApi.AdminToken, cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(ProductApi.AdminToken, _api.Factory.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);

        // Behind a proxy that ends TLS, the cookie is Secure.
        using var proxied = new HttpRequestMessage(HttpMethod.Post, "/dashboard/signin") { Content = new FormUrlEncodedContent([new("token", ProductApi.AdminToken)]) };
        proxied.Headers.Add("X-Forwarded-Proto", "https");
        using var behindTls = await http.SendAsync(proxied);
        Assert.Contains("; secure", Assert.Single(behindTls.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    private HttpClient NoRedirects() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _api.Http.BaseAddress };

    private Task<HttpStatusCode> PostFlowsEventAsync(string @event, string message) => _api.Client.PostWebhookAsync(new JsonObject
    {
        ["object"] = "whatsapp_business_account",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = "102290129340398",
            ["changes"] = new JsonArray(new JsonObject
            {
                ["field"] = "flows",
                ["value"] = new JsonObject { ["event"] = @event, ["message"] = message, ["flow_id"] = "1234", ["alert_state"] = "ACTIVATED" },
            }),
        }),
    }.ToJsonString());

    public void Dispose() => _api.Dispose();
}
