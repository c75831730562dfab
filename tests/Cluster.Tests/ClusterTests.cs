using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Npgsql;
using Xunit.Abstractions;

namespace Backend.Cluster.Tests;

// One cluster at a time: each is five processes on two cores.
[CollectionDefinition("local cluster", DisableParallelization = true)]
public sealed class LocalClusterCollection;

/// <summary>Any request can reach any Api node: journeys whose steps alternate between the two nodes.</summary>
[Collection("local cluster")]
public sealed class AlternatingNodesTests(LocalCluster cluster) : IClassFixture<LocalCluster>
{
    [Fact]
    public async Task JourneysWhoseStepsAlternateBetweenApiNodesGetEveryAnswerRight()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 10; i++)
        {
            var (a, b) = (cluster.Node(i % 2), cluster.Node((i + 1) % 2));
            var email = $"alt-{run}-{i}@example.com";
            var token = await a.IssueAsync();

            var init = await b.StepAsync(token, "INIT");
            var signUp = await a.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass");
            var login = await b.LoginAsync(token, email, "S3cret-pass");
            var other = await b.SignUpAsync(await b.IssueAsync(), "Eve", "Silva", email, "0ther-pass");
            var completed = await a.CompleteAsync(token, $"wamid.ALT-{run}-{i}");
            var closed = await b.StepAsync(token, "INIT");

            Assert.Equal("START", (string?)init.Answer?["screen"]);
            Assert.Equal(("LOGIN", null), ((string?)signUp.Answer?["screen"], (string?)signUp.Answer?["data"]?["error_message"]));
            Assert.Equal("LOGIN_SUCCESS", (string?)login.Answer?["screen"]); // never a stale "not registered"
            Assert.Equal("You are already registered. Please login", (string?)other.Answer?["data"]?["error_message"]);
            Assert.Equal((HttpStatusCode.OK, 427), (completed, closed.Status));
        }
    }
}

/// <summary>
/// A silo killed with SIGKILL while journeys run through both Api nodes: every acknowledged sign-up and
/// completion is saved, no account is duplicated, completed tokens stay closed, and the steps lost meanwhile
/// were answered with a retryable 5xx, never a wrong answer.
/// </summary>
[Collection("local cluster")]
public sealed class KilledSiloTests(LocalCluster cluster, ITestOutputHelper output) : IClassFixture<LocalCluster>
{
    [Fact]
    public async Task AKilledSiloCostsRetryableFailuresForSecondsAndLosesNothingAcknowledged()
    {
        const int Journeys = 16;
        var run = Guid.NewGuid().ToString("N")[..8];
        var tokens = await Task.WhenAll(Enumerable.Range(0, Journeys).Select(i => cluster.Node(i % 2).IssueAsync()));
        foreach (var (token, i) in tokens.Select((t, i) => (t, i)))
        {
            Assert.Equal(200, (await cluster.Node(i % 2).StepAsync(token, "INIT")).Status);
        }
        var failures = new ConcurrentQueue<(TimeSpan At, int Status)>();
        var wrong = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.Zero;
        var killer = Task.Run(async () =>
        {
            await Task.Delay(500);
            Process.GetProcessById(cluster.SiloPid(1)).Kill();
            killedAt = clock.Elapsed;
        });

        async Task<T> Until<T>(Func<Task<(int Status, T Value)>> call)
        {
            while (true)
            {
                var (status, value) = await call();
                if (status is 200 or 427)
                {
                    return value;
                }
                failures.Enqueue((clock.Elapsed, status));
                if (status is not (503 or 504) || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"answered {status}");
                }
                await Task.Delay(100);
            }
        }

        await Task.WhenAll(tokens.Select((token, i) => Task.Run(async () =>
        {
            var (a, b) = (cluster.Node(i % 2), cluster.Node((i + 1) % 2));
            var email = $"kill-{run}-{i}@example.com";
            await Task.Delay(i * 60);
            var signUp = await Until(async () => { var s = await b.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass"); return (s.Status, s.Answer); });
            if ((string?)signUp?["screen"] != "LOGIN" || signUp["data"]?["error_message"] is not null)
            {
                wrong.Enqueue($"sign-up {i}: {signUp?.ToJsonString()}");
            }
            var login = await Until(async () => { var s = await a.LoginAsync(token, email, "S3cret-pass"); return (s.Status, s.Answer); });
            if ((string?)login?["screen"] != "LOGIN_SUCCESS")
            {
                wrong.Enqueue($"login {i}: {login?.ToJsonString()}");
            }
            await Until(async () => { var c = await b.CompleteAsync(token, $"wamid.KILL-{run}-{i}"); return ((int)c == 200 ? 200 : (int)c, 0); });
        })));
        await killer;

        var lastFailure = failures.IsEmpty ? TimeSpan.Zero : failures.Max(f => f.At) - killedAt;
        output.WriteLine($"silo killed at {killedAt.TotalSeconds:0.00} s; {failures.Count} failed requests " +
            $"({string.Join(", ", failures.GroupBy(f => f.Status).Select(g => $"{g.Count()}×{g.Key}"))}); " +
            $"the last failure {lastFailure.TotalSeconds:0.00} s after the kill");
        Assert.True(wrong.IsEmpty, string.Join("\n", wrong));
        Assert.True(lastFailure < TimeSpan.FromSeconds(10), $"requests failed until {lastFailure} after the kill");
        foreach (var (token, i) in tokens.Select((t, i) => (t, i)))
        {
            Assert.Equal(427, (await cluster.Node(i % 2).StepAsync(token, "INIT")).Status);
        }
        Assert.Equal(Journeys, await CountAsync($"SELECT count(*) FROM grain_state WHERE grain_type = 'user' AND starts_with(payload->>'email', 'kill-{run}-')"));
        Assert.Equal(Journeys, await CountAsync("SELECT count(*) FROM grain_state WHERE grain_type = 'flow-session' AND payload->>'status' = 'Completed'"));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
