using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.Api.Tests.SignUp;
using Backend.TestSupport.Dashboard;
using Backend.TestSupport.Meta;

namespace Backend.Api.Tests.Dashboard;

/// <summary>The dashboard's totals are saved in the product's PostgreSQL and survive a restart of the whole product.</summary>
public sealed class DashboardPersistenceTests(SignUpDatabase database) : IClassFixture<SignUpDatabase>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    private static void Fast(FlowsApiFactory factory)
    {
        factory.Settings["Dashboard:ReportInterval"] = "00:00:00.250";
        factory.Settings["Dashboard:SaveInterval"] = "00:00:01";
    }

    private static long Count(JsonObject flow, string name) => (long)flow[name]!;

    [Fact]
    public async Task TheTotalsAfterARestartAreTheTotalsBeforeAndCountingGoesOn()
    {
        using var key = RSA.Create(2048);
        var run = $"keep-{Guid.NewGuid():N}"[..13];
        var emails = new[] { $"{run}-0@example.com", $"{run}-1@example.com", $"{run}-2@example.com" };
        var tokens = new List<string>();
        JsonObject before;
        using (var api = new ProductApi(database.ConnectionString, key, Fast))
        {
            using var dashboard = await DashboardClient.SignInAsync(api.Http.BaseAddress!, ProductApi.AdminToken);
            tokens.Add(await api.Client.SignUpJourneyAsync(emails[0], JourneyEnd.Completed, to: "15557654321"));
            tokens.Add(await api.Client.SignUpJourneyAsync(emails[1], JourneyEnd.LoggedIn, to: "15557654321"));
            tokens.Add(await api.Client.SignUpJourneyAsync(emails[2], JourneyEnd.Issued, to: "15557654321"));
            before = await dashboard.WaitForAsync("sign_up", f => Count(f, "completed") == 1 && Count(f, "steps") == 4 && Count(f, "issued") == 3, Settle);

            // Saved on its interval while the product runs (not only when it shuts down), with counts only.
            var stored = await WaitForStoredAsync("\"issued\":3");
            foreach (var personal in tokens.Concat(emails).Append("15557654321").Append("7654321").Append("Silva"))
            {
                Assert.DoesNotContain(personal, stored, StringComparison.OrdinalIgnoreCase);
            }
        }

        using var restarted = new ProductApi(database.ConnectionString, key, Fast);
        using var again = await DashboardClient.SignInAsync(restarted.Http.BaseAddress!, ProductApi.AdminToken);
        var after = (await again.FlowAsync("sign_up"))!;

        Assert.NotNull(after);
        Assert.True(JsonNode.DeepEquals(Totals(before), Totals(after)), $"before {Totals(before).ToJsonString()}, after {Totals(after).ToJsonString()}");
        Assert.Equal((3L, 2L, 1L, 1L, 4L), (Count(after, "issued"), Count(after, "opened"), Count(after, "completed"), Count(after, "active"), Count(after, "steps")));
        // The per-minute series came back too: the 5-minute window still holds the requests served before the restart.
        Assert.Equal((long)before["windows"]!.AsArray()[0]!["requests"]!, (long)after["windows"]!.AsArray()[0]!["requests"]!);

        // Counting goes on from there: the second journey finishes, a new one runs on the restarted product.
        Assert.Equal(System.Net.HttpStatusCode.OK, await restarted.CompleteAsync(tokens[1], $"wamid.{run}"));
        await restarted.Client.SignUpJourneyAsync($"{run}-3@example.com", JourneyEnd.Completed);
        var later = await again.WaitForAsync("sign_up", f => Count(f, "completed") == 3 && Count(f, "issued") == 4, Settle);
        Assert.Equal((4L, 3L, 3L, 0L, 6L), (Count(later, "issued"), Count(later, "opened"), Count(later, "completed"), Count(later, "active"), Count(later, "steps")));
    }

    // The cumulative figures (the rates and windows move with the clock).
    private static JsonObject Totals(JsonObject flow) => new()
    {
        ["issued"] = flow["issued"]!.DeepClone(), ["opened"] = flow["opened"]!.DeepClone(), ["completed"] = flow["completed"]!.DeepClone(),
        ["expired"] = flow["expired"]!.DeepClone(), ["invalidated"] = flow["invalidated"]!.DeepClone(), ["active"] = flow["active"]!.DeepClone(),
        ["steps"] = flow["steps"]!.DeepClone(), ["funnel"] = flow["funnel"]!.DeepClone(), ["statuses"] = flow["statuses"]!.DeepClone(),
    };

    private async Task<string> WaitForStoredAsync(string expected)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            var stored = string.Join("\n", (await database.AllStoredStateAsync()).Split('\n').Where(line => line.StartsWith("flow-stats ", StringComparison.Ordinal)));
            if (stored.Contains(expected, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                Assert.Contains(expected, stored, StringComparison.Ordinal);
                return stored;
            }
            await Task.Delay(250);
        }
    }
}
