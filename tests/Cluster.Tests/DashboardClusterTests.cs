using System.Text.Json.Nodes;

namespace Backend.Cluster.Tests;

/// <summary>The dashboard's figures add up over the whole cluster: two Api nodes and two silos, read on either Api node.</summary>
[Collection("local cluster")]
public sealed class DashboardClusterTests(LocalCluster cluster) : IClassFixture<LocalCluster>
{
    [Fact]
    public async Task JourneysThroughBothApiNodesShowTheSameTotalsOnEitherNodesDashboard()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (a, b) = (cluster.Node(0), cluster.Node(1));
        for (var i = 0; i < 12; i++)
        {
            // Issued on one node, steps on the other, completion on either: no count may depend on where.
            var (issuer, stepper) = i % 2 == 0 ? (a, b) : (b, a);
            var token = await issuer.IssueAsync();
            var email = $"dash-{run}-{i}@example.com";
            Assert.Equal(200, (await stepper.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass1")).Status);
            if (i % 3 != 0)
            {
                Assert.Equal(200, (await issuer.LoginAsync(token, email, "S3cret-pass1")).Status);
                Assert.Equal(System.Net.HttpStatusCode.OK, await stepper.CompleteAsync(token, $"wamid.{run}.{i}"));
            }
        }

        using var first = await cluster.DashboardAsync(0);
        using var second = await cluster.DashboardAsync(1);
        static bool Done(JsonObject f) => (long)f["completed"]! == 8 && (long)f["steps"]! == 20 && (long)f["statuses"]!["2xx"]! == 20;
        var onFirst = await first.WaitForAsync("sign_up", Done, TimeSpan.FromSeconds(30));
        var onSecond = await second.WaitForAsync("sign_up", Done, TimeSpan.FromSeconds(30));

        foreach (var flow in new[] { onFirst, onSecond })
        {
            Assert.Equal((12L, 12L, 8L, 4L), ((long)flow["issued"]!, (long)flow["opened"]!, (long)flow["completed"]!, (long)flow["active"]!));
            var login = flow["funnel"]!.AsArray().OfType<JsonObject>().Single(s => (string?)s["screen"] == "LOGIN");
            Assert.Equal((12L, 4L), ((long)login["reached"]!, (long)login["at"]!));
        }
        Assert.True(JsonNode.DeepEquals(Totals(onFirst), Totals(onSecond)));
        var nodes = (await first.OverviewAsync())["nodes"]!.AsArray().Select(n => (string?)n!["kind"]).ToList();
        Assert.Equal(2, nodes.Count(k => k == "api"));
        Assert.Equal(2, nodes.Count(k => k == "silo"));
        // Orleans' dashboard, served by an Api node that hosts no grains, from the silos' dashboard grains.
        Assert.Equal(System.Net.HttpStatusCode.OK, await second.StatusAsync("/dashboard/orleans/"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await second.StatusAsync("/dashboard/orleans/ClusterStats"));
    }

    // The cumulative figures (the rates and windows move with the clock).
    private static JsonObject Totals(JsonObject flow) => new()
    {
        ["issued"] = flow["issued"]!.DeepClone(), ["opened"] = flow["opened"]!.DeepClone(), ["completed"] = flow["completed"]!.DeepClone(),
        ["active"] = flow["active"]!.DeepClone(), ["steps"] = flow["steps"]!.DeepClone(), ["funnel"] = flow["funnel"]!.DeepClone(),
        ["statuses"] = flow["statuses"]!.DeepClone(),
    };
}
