using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Backend.TestSupport.Postgres;
using Npgsql;

namespace Backend.Api.Tests.SignUp;

/// <summary>
/// PostgreSQL stopped while sign-ups and completions are in flight: every request either succeeds with its write
/// saved or gets a retryable 503, never a 200 from unsaved state; when the database is back, every acknowledged
/// write is there and a completed token answers 427, also after the Api restarts.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private PostgresServer? _server;
    private PostgresDatabase? _database;

    private LogCapture? _logs;

    private string ConnectionString => _database!.ConnectionString;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartPrivateAsync();
        _database = await _server.CreateDatabaseAsync("outage");
    }

    public Task DisposeAsync()
    {
        // The private server goes with the process. Keep the Api's warnings for a failure's diagnosis.
        if (_logs is not null && Environment.GetEnvironmentVariable("OUTAGE_LOG") is { Length: > 0 } path)
        {
            File.WriteAllLines(path, _logs.Lines.Where(l => !l.StartsWith("Trace", StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal)));
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnOutageGivesRetryable503sAndLosesNoAcknowledgedSignUpOrCompletion()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        const int Journeys = 24;
        var run = Guid.NewGuid().ToString("N")[..8];
        var acknowledgedSignUps = new ConcurrentBag<string>();
        var acknowledgedCompletions = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var unexpected = new ConcurrentQueue<string>();

        using (var api = new ProductApi(ConnectionString, key))
        {
            _logs = api.Factory.Logs;
            var tokens = await Task.WhenAll(Enumerable.Range(0, Journeys).Select(_ => api.IssueAsync()));
            var stopAt = TimeSpan.FromMilliseconds(300);
            var clock = Stopwatch.StartNew();
            var outage = Task.Run(async () =>
            {
                await Task.Delay(stopAt);
                await _server!.StopAsync();
                await Task.Delay(TimeSpan.FromSeconds(3));
                await _server.StartAsync();
            });

            // Each journey signs up and completes, retrying a 503 as Meta would, until it succeeds (at most 60 s).
            await Task.WhenAll(tokens.Select((token, i) => Task.Run(async () =>
            {
                var email = $"outage-{run}-{i}@example.com";
                await Task.Delay(TimeSpan.FromMilliseconds(i * 25)); // spread over the outage's start
                while (clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    var step = await api.SignUpAsync(token, "Ana", "Silva", email, "S3cret-pass1");
                    statuses.AddOrUpdate(step.Status, 1, (_, n) => n + 1);
                    if (step.Status == 200)
                    {
                        if ((string?)step.Answer!["screen"] != "LOGIN" || step.Answer["data"]!["error_message"] is not null)
                        {
                            unexpected.Enqueue($"{email}: {step.Answer.ToJsonString()}");
                        }
                        acknowledgedSignUps.Add(email);
                        break;
                    }
                    if (step.Status != 503)
                    {
                        unexpected.Enqueue($"{email}: sign-up answered {step.Status} {step.Body}");
                    }
                    await Task.Delay(100);
                }
                while (clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    var completed = await api.CompleteAsync(token, $"wamid.OUTAGE-{run}-{i}");
                    statuses.AddOrUpdate((int)completed, 1, (_, n) => n + 1);
                    if (completed == HttpStatusCode.OK)
                    {
                        acknowledgedCompletions.Add(token);
                        break;
                    }
                    if (completed != HttpStatusCode.ServiceUnavailable)
                    {
                        unexpected.Enqueue($"completion answered {(int)completed}");
                    }
                    await Task.Delay(100);
                }
            })));
            await outage;

            Assert.True(unexpected.IsEmpty, string.Join("\n", unexpected.Take(10)));
            Assert.True(statuses.GetValueOrDefault(503) > 0, "the outage was not seen: " + string.Join(", ", statuses));
            Assert.Equal(Journeys, acknowledgedSignUps.Count);
            Assert.Equal(Journeys, acknowledgedCompletions.Count);
            foreach (var token in acknowledgedCompletions)
            {
                Assert.Equal(427, (await api.StepAsync(token, "INIT")).Status);
            }
        }

        // What was acknowledged is in the database, and holds after a restart.
        Assert.Equal(Journeys, await CountAsync("SELECT count(*) FROM grain_state WHERE grain_type = 'user' AND payload IS NOT NULL"));
        Assert.Equal(Journeys, await CountAsync("SELECT count(*) FROM grain_state WHERE grain_type = 'flow-session' AND payload->>'status' = 'Completed'"));
        using var restarted = new ProductApi(ConnectionString, key);
        foreach (var token in acknowledgedCompletions)
        {
            Assert.Equal(427, (await restarted.StepAsync(token, "INIT")).Status);
        }
        foreach (var email in acknowledgedSignUps.Take(5))
        {
            var login = await restarted.LoginAsync(await restarted.IssueAsync(), email, "S3cret-pass1");
            Assert.Equal("LOGIN_SUCCESS", (string?)login.Answer!["screen"]);
        }
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
