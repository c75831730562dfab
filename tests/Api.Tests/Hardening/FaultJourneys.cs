using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Backend.Api.Tests.SignUp;
using Npgsql;

namespace Backend.Api.Tests.Hardening;

/// <summary>What clients saw during one fault, and what the database holds afterwards.</summary>
/// <param name="Fault">The fault injected.</param>
/// <param name="Journeys">Sign-up journeys sent (each: a sign-up, then its completion webhook).</param>
/// <param name="Statuses">Every answer's status code, counted.</param>
/// <param name="AcknowledgedSignUps">Sign-ups answered 200 (the account saved, the LOGIN screen).</param>
/// <param name="AcknowledgedCompletions">Completions answered 200.</param>
/// <param name="Lost">Acknowledged writes missing from the database.</param>
/// <param name="Duplicated">Accounts stored more than once, or more accounts than journeys.</param>
/// <param name="Unexpected">Answers that were neither right nor a retryable 503.</param>
/// <param name="Elapsed">From the first request to the last journey's end.</param>
public sealed record FaultReport(
    string Fault, int Journeys, IReadOnlyDictionary<int, int> Statuses, int AcknowledgedSignUps, int AcknowledgedCompletions,
    long Lost, long Duplicated, IReadOnlyList<string> Unexpected, TimeSpan Elapsed)
{
    /// <summary>The emails whose sign-up was acknowledged (they log in with <see cref="FaultJourneys.Password"/>).</summary>
    public IReadOnlyList<string> AcknowledgedEmails { get; init; } = [];

    /// <summary>The flow tokens whose completion was acknowledged.</summary>
    public IReadOnlyList<string> CompletedTokens { get; init; } = [];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Fault}: {Journeys} journeys in {Elapsed.TotalSeconds:0.0} s; statuses {string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
        $"acknowledged {AcknowledgedSignUps} sign-ups and {AcknowledgedCompletions} completions; lost {Lost}, duplicated {Duplicated}, unexpected answers {Unexpected.Count}");
}

/// <summary>
/// Sign-up journeys through the product while a fault is injected: each journey signs up and then completes, retrying
/// a 503 as Meta would until it succeeds or the time limit passes. Afterwards every acknowledged sign-up and completion
/// must be in the database exactly once, and every completed token must stay closed (427).
/// </summary>
public static class FaultJourneys
{
    public const string Password = "S3cret-pass1";

    /// <param name="api">The product.</param>
    /// <param name="connectionString">Its database.</param>
    /// <param name="fault">What is injected, for the report.</param>
    /// <param name="journeys">How many journeys.</param>
    /// <param name="inject">Runs alongside the journeys: injects the fault and lifts it.</param>
    /// <param name="limit">How long journeys may retry.</param>
    /// <param name="before">Runs once the sessions are issued and before the first journey (a fault already in place when they start).</param>
    public static async Task<FaultReport> RunAsync(ProductApi api, string connectionString, string fault, int journeys, Func<Task> inject, TimeSpan limit,
        Func<Task>? before = null)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var signedUp = new ConcurrentBag<string>();
        var completed = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var unexpected = new ConcurrentQueue<string>();
        var tokens = await Task.WhenAll(Enumerable.Range(0, journeys).Select(_ => api.IssueAsync()));
        if (before is not null)
        {
            await before();
        }
        var clock = Stopwatch.StartNew();
        var injected = Task.Run(inject);

        await Task.WhenAll(tokens.Select((token, i) => Task.Run(async () =>
        {
            var email = $"fault-{run}-{i}@example.com";
            await Task.Delay(TimeSpan.FromMilliseconds(i * 25)); // spread over the fault's start
            while (clock.Elapsed < limit)
            {
                var step = await api.SignUpAsync(token, "Ana", "Silva", email, Password);
                statuses.AddOrUpdate(step.Status, 1, (_, n) => n + 1);
                if (step.Status == 200)
                {
                    if ((string?)step.Answer!["screen"] != "LOGIN" || step.Answer["data"]!["error_message"] is not null)
                    {
                        unexpected.Enqueue($"journey {i}: sign-up answered {step.Answer.ToJsonString()}");
                    }
                    signedUp.Add(email);
                    break;
                }
                if (step.Status != 503)
                {
                    unexpected.Enqueue($"journey {i}: sign-up answered {step.Status}");
                }
                await Task.Delay(100);
            }
            while (signedUp.Contains(email) && clock.Elapsed < limit)
            {
                var answer = await api.CompleteAsync(token, $"wamid.FAULT-{run}-{i}");
                statuses.AddOrUpdate((int)answer, 1, (_, n) => n + 1);
                if (answer == HttpStatusCode.OK)
                {
                    completed.Add(token);
                    break;
                }
                if (answer != HttpStatusCode.ServiceUnavailable)
                {
                    unexpected.Enqueue($"journey {i}: completion answered {(int)answer}");
                }
                await Task.Delay(100);
            }
        })));
        await injected;
        var elapsed = clock.Elapsed;

        foreach (var token in completed)
        {
            // A 503 may still come while the machine catches up (it is retryable); never a 200.
            var again = await api.StepAsync(token, "INIT");
            for (var attempt = 0; again.Status == 503 && attempt < 20; attempt++)
            {
                await Task.Delay(250);
                again = await api.StepAsync(token, "INIT");
            }
            if (again.Status != 427)
            {
                unexpected.Enqueue($"a completed token answered {again.Status} to INIT");
            }
        }
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Accounts are keyed by their email's hash, and store it only sealed.
        var storedAccounts = await ListAsync(connection, "SELECT grain_key FROM grain_state WHERE grain_type = 'user' AND payload IS NOT NULL");
        var completedKeys = (await ListAsync(connection,
            "SELECT grain_key FROM grain_state WHERE grain_type = 'flow-session' AND payload::jsonb->>'status' = 'Completed'")).ToHashSet();
        var lost = signedUp.Count(e => !storedAccounts.Contains(Backend.Grains.AccountKey.Of(e)))
            + completed.Count(t => !completedKeys.Any(k => k.EndsWith(Backend.Grains.FlowSessionKey.Of(t), StringComparison.Ordinal)));
        // The database is the run's own: any account beyond one per journey is a duplicate.
        var duplicated = Math.Max(0, storedAccounts.Count - journeys);
        return new FaultReport(fault, journeys, statuses.ToDictionary(), signedUp.Count, completed.Count, lost, duplicated, [.. unexpected], elapsed)
        {
            AcknowledgedEmails = [.. signedUp],
            CompletedTokens = [.. completed],
        };
    }

    /// <summary>The checks every fault shares: all journeys acknowledged, nothing lost or duplicated, only 200 or 503 seen.</summary>
    public static void AssertSound(FaultReport report, bool faultSeen)
    {
        Assert.True(report.Unexpected.Count == 0, report + "\n" + string.Join("\n", report.Unexpected.Take(10)));
        Assert.True(faultSeen, "the fault was not seen by any client: " + report);
        Assert.Equal((report.Journeys, report.Journeys, 0L, 0L), (report.AcknowledgedSignUps, report.AcknowledgedCompletions, report.Lost, report.Duplicated));
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}
