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
/// A silo that fails while journeys run through both Api nodes: every acknowledged sign-up and completion is
/// saved, no account is duplicated, completed tokens stay closed, and the steps lost meanwhile were answered
/// with a retryable 5xx, never a wrong answer. The report gives how long requests failed and how many.
/// </summary>
public abstract class SiloFaultTests(LocalCluster cluster, ITestOutputHelper output)
{
    /// <summary>What happens to silo 1 (process <paramref name="pid"/>).</summary>
    protected abstract Task FailSiloAsync(int pid);

    /// <summary>How long after the fault requests may still fail.</summary>
    protected abstract TimeSpan FailingAtMost { get; }

    [Fact]
    public async Task ASiloFaultCostsRetryableFailuresForSecondsAndLosesNothingAcknowledged()
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
        var faultAt = TimeSpan.Zero;
        var fault = Task.Run(async () =>
        {
            await Task.Delay(500);
            faultAt = clock.Elapsed;
            await FailSiloAsync(cluster.SiloPid(1));
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
                if (status is not (503 or 504) || clock.Elapsed > TimeSpan.FromSeconds(90))
                {
                    throw new InvalidOperationException($"answered {status}");
                }
                await Task.Delay(100);
            }
        }

        await Task.WhenAll(tokens.Select((token, i) => Task.Run(async () =>
        {
            var (a, b) = (cluster.Node(i % 2), cluster.Node((i + 1) % 2));
            var email = $"fault-{run}-{i}@example.com";
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
            await Until(async () => { var c = await b.CompleteAsync(token, $"wamid.FAULT-{run}-{i}"); return ((int)c, 0); });
        })));
        await fault;

        var lastFailure = failures.IsEmpty ? TimeSpan.Zero : failures.Max(f => f.At) - faultAt;
        output.WriteLine($"{GetType().Name}: fault at {faultAt.TotalSeconds:0.00} s; {failures.Count} failed requests " +
            $"({string.Join(", ", failures.GroupBy(f => f.Status).Select(g => $"{g.Count()}×{g.Key}"))}); " +
            $"the last failure {lastFailure.TotalSeconds:0.00} s after the fault");
        Assert.True(wrong.IsEmpty, string.Join("\n", wrong));
        Assert.True(lastFailure < FailingAtMost, $"requests failed until {lastFailure} after the fault");
        foreach (var (token, i) in tokens.Select((t, i) => (t, i)))
        {
            Assert.Equal(427, (await cluster.Node(i % 2).StepAsync(token, "INIT")).Status);
        }
        // Accounts are keyed by their email's hash and keep the email only sealed.
        var accountKeys = string.Join(",", Enumerable.Range(0, Journeys).Select(i => $"'{Backend.Grains.AccountKey.Of($"fault-{run}-{i}@example.com")}'"));
        Assert.Equal(Journeys, await CountAsync($"SELECT count(*) FROM grain_state WHERE grain_type = 'user' AND payload IS NOT NULL AND grain_key IN ({accountKeys})"));
        Assert.Equal(Journeys, await CountAsync("SELECT count(*) FROM grain_state WHERE grain_type = 'flow-session' AND payload::jsonb->>'status' = 'Completed'"));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>A silo killed with SIGKILL.</summary>
[Collection("local cluster")]
public sealed class KilledSiloTests(LocalCluster cluster, ITestOutputHelper output) : SiloFaultTests(cluster, output), IClassFixture<LocalCluster>
{
    protected override TimeSpan FailingAtMost => TimeSpan.FromSeconds(6);

    protected override Task FailSiloAsync(int pid)
    {
        Process.GetProcessById(pid).Kill();
        return Task.CompletedTask;
    }
}

/// <summary>A silo hung with SIGSTOP (its sockets stay open, nothing answers), continued with SIGCONT 15 s later.</summary>
[Collection("local cluster")]
public sealed class HungSiloTests(LocalCluster cluster, ITestOutputHelper output) : SiloFaultTests(cluster, output), IClassFixture<LocalCluster>
{
    protected override TimeSpan FailingAtMost => TimeSpan.FromSeconds(10);

    protected override async Task FailSiloAsync(int pid)
    {
        Signal("STOP", pid);
        await Task.Delay(TimeSpan.FromSeconds(15));
        Signal("CONT", pid);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
