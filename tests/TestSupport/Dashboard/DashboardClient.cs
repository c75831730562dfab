using System.Net;
using System.Text.Json.Nodes;

namespace Backend.TestSupport.Dashboard;

/// <summary>The dashboard's JSON API over HTTP, signed in with the admin token through the sign-in form (a cookie).</summary>
public sealed class DashboardClient : IDisposable
{
    private readonly HttpClient _http;

    private DashboardClient(HttpClient http) => _http = http;

    /// <summary>Signs in at <paramref name="baseAddress"/> with <paramref name="adminToken"/>; throws when refused.</summary>
    public static async Task<DashboardClient> SignInAsync(Uri baseAddress, string adminToken)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var response = await http.PostAsync("/dashboard/signin", new FormUrlEncodedContent([new("token", adminToken)]));
        if (response.StatusCode != HttpStatusCode.Found || response.Headers.Location?.OriginalString != "/dashboard")
        {
            http.Dispose();
            throw new InvalidOperationException($"Sign-in answered {(int)response.StatusCode} to {response.Headers.Location}.");
        }
        return new DashboardClient(http);
    }

    /// <summary>The signed-in client (its cookie reaches every <c>/dashboard</c> route), for the dashboard's other pages and APIs.</summary>
    public HttpClient Http => _http;

    /// <summary>The overview's JSON text.</summary>
    public Task<string> OverviewTextAsync() => _http.GetStringAsync("/dashboard/api/overview");

    /// <summary>The overview.</summary>
    public async Task<JsonObject> OverviewAsync() => (JsonObject)JsonNode.Parse(await OverviewTextAsync())!;

    /// <summary>One flow's figures in the overview (<c>"*"</c>: all flows together), or null while it has none.</summary>
    public async Task<JsonObject?> FlowAsync(string flow) => Flow(await OverviewAsync(), flow);

    /// <summary>Polls until <paramref name="done"/> holds for <paramref name="flow"/>'s figures, or throws with the last ones after <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> WaitForAsync(string flow, Func<JsonObject, bool> done, TimeSpan timeout) =>
        Flow(await WaitForOverviewAsync(o => Flow(o, flow) is { } figures && done(figures), timeout), flow)!;

    /// <summary>Polls until <paramref name="done"/> holds for the whole overview, or throws with the last one after <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> WaitForOverviewAsync(Func<JsonObject, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await OverviewAsync();
            if (done(last))
            {
                return last;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The dashboard's figures did not get there in {timeout}: {last?.ToJsonString()}");
    }

    private static JsonObject? Flow(JsonObject overview, string flow) =>
        overview["flows"]!.AsArray().OfType<JsonObject>().FirstOrDefault(f => (string?)f["flow"] == flow);

    /// <summary>A session's page data by session key, as JSON text (null on 404).</summary>
    public async Task<string?> SessionTextAsync(string sessionKey)
    {
        using var response = await _http.GetAsync($"/dashboard/api/sessions/{sessionKey}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
    }

    /// <summary>The status of a signed-in GET of <paramref name="path"/> (e.g. Orleans' dashboard's pages).</summary>
    public async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();
}
