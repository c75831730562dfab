using System.Globalization;
using Backend.LoadGen;
using Backend.LoadGen.Reporting;
using Npgsql;

namespace Backend.Product.Bench;

/// <summary>The Api as an Orleans client of separate silo processes, all stopped on dispose.</summary>
/// <param name="Silos">The silo processes.</param>
/// <param name="Api">The Api process in client mode.</param>
/// <param name="Scenarios">Load scenarios against that Api, measuring the silos too.</param>
internal sealed record ClusteredTopology(IReadOnlyList<ApiProcess> Silos, ApiProcess Api, LoadScenarios Scenarios) : IDisposable
{
    public void Dispose()
    {
        Api.Dispose();
        foreach (var silo in Silos)
        {
            silo.Dispose();
        }
    }
}

/// <summary>The bench proper: the two ceilings with the Api idle, then each scenario of issue 7 against them.</summary>
internal static class Bench
{
    /// <summary>Runs everything and collects what failed; never stops at the first failure, so every figure is written.</summary>
    public static async Task<BenchSummary> RunAsync(
        ApiProcess api, LoadScenarios scenarios, MachineInfo machine, BenchArguments options, DateTimeOffset startedAt, string loadAtStart, string postgres,
        string connectionString, Func<int, Task<ClusteredTopology>>? startClustered = null,
        Func<Task<(ApiProcess Process, LoadScenarios Scenarios)>>? startBare = null)
    {
        Console.Error.WriteLine("== ceilings (Api idle): RSA-OAEP-SHA256 decrypt and PBKDF2-SHA256, all cores");
        var rsa = Ceilings.RsaOaepDecrypt(TimeSpan.FromSeconds(2), 3);
        var pbkdf2 = Ceilings.Pbkdf2Sha256(BenchArguments.PasswordIterations, TimeSpan.FromSeconds(3), 3);
        var journeyCeiling = pbkdf2.PerSecond / 2; // the sign-up's hash and the login's verification
        Console.Error.WriteLine($"   RSA {rsa.PerSecond:0}/s ({rsa.CpuPerOperationUs:0} µs of CPU each), PBKDF2 {pbkdf2.PerSecond:0.0}/s ({journeyCeiling:0.0} journeys/s)");

        var results = new List<ScenarioResult>();
        SessionMemory? memory = null;
        async Task<ScenarioResult> Run(string id, string title, LoadOptions load, string? ceilingName, double? ceiling,
            Func<LoadReport, ScenarioResult, IReadOnlyList<TargetCheck>> targets)
        {
            var (_, result) = await scenarios.RunAsync(id, title, load, ceilingName, ceiling, targets);
            results.Add(result);
            return result;
        }

        const string Rsa = "RSA-OAEP decrypt";
        TargetCheck StepEfficiency(ScenarioResult result) =>
            AtLeast("step CPU efficiency (RSA CPU per decryption ÷ server CPU per step, PostgreSQL included)", result.Efficiency(rsa.CpuPerOperationUs), 0.5);
        // The reference runs around the clustered one carry no target of their own.
        Task<ScenarioResult> StepC32(string id, string title, bool reference = false) => Run(id, title,
            scenarios.Options(LoadMode.Step, 32, null, options.Seconds(3), options.Seconds(20)), Rsa, rsa.PerSecond,
            (_, result) => reference ? [] : [StepEfficiency(result)]);
        if (options.ClusteredOnly)
        {
            // The first run after the Api starts is still warming up (JIT tiers, pools): it is not the reference.
            await StepC32("step-c32", "Session step (SIGN_UP, password mismatch), closed loop, 32 users");
            var before = await StepC32("step-c32-before", "Session step, co-hosted, right before the clustered run, closed loop, 32 users", reference: true);
            results.Add(await RunClusteredAsync(before));
            return await SummaryAsync();
        }

        // Steady state: the JIT tiers up for a minute or more under load (over 10 % of the Api's CPU in the first
        // profile), which is a start-up cost, not a per-request one. A warm-up of each mode, not recorded.
        Console.Error.WriteLine("== warm-up (not recorded): steps and pings");
        await scenarios.WarmUpAsync(LoadMode.Step, options.Seconds(25));
        await scenarios.WarmUpAsync(LoadMode.Ping, options.Seconds(15));

        // The floor first: the same ping against an endpoint that does the protocol's work and nothing else.
        var bare = startBare is null ? null : await RunBareAsync();
        await Run("ping-c32", "Encrypted ping, closed loop, 32 connections",
            scenarios.Options(LoadMode.Ping, 32, null, options.Seconds(3), options.Seconds(25)), Rsa, rsa.PerSecond,
            (r, result) =>
            {
                var efficiency = AtLeast("ping CPU efficiency (RSA CPU per decryption ÷ server CPU per ping)", result.Efficiency(rsa.CpuPerOperationUs), 0.9);
                if (bare?.Efficiency(rsa.CpuPerOperationUs) is { } floor)
                {
                    efficiency = efficiency with
                    {
                        Measured = string.Create(CultureInfo.InvariantCulture,
                            $"{efficiency.Measured} (a bare Kestrel endpoint, ping-bare-c32: {floor * 100:0.0} %, {bare.ServerCpuPerRequestUs:0} µs per ping)"),
                    };
                }
                return [efficiency, Below("ping p99", r, "ping", l => l.P99Ms, 20)];
            });
        await Run("ping-c1", "Encrypted ping, closed loop, 1 connection",
            scenarios.Options(LoadMode.Ping, 1, null, options.Seconds(2), options.Seconds(15)), Rsa, rsa.PerSecond,
            (r, result) => [Below("ping p50", r, "ping", l => l.P50Ms, 0.5)]);

        // The peak of steps: the better of two concurrencies.
        var step32 = await StepC32("step-c32", "Session step (SIGN_UP, password mismatch), closed loop, 32 users");
        var step64 = await Run("step-c64", "Session step (SIGN_UP, password mismatch), closed loop, 64 users",
            scenarios.Options(LoadMode.Step, 64, null, options.Seconds(3), options.Seconds(20)), Rsa, rsa.PerSecond,
            (_, result) => [StepEfficiency(result)]);
        var stepPeak = Math.Max(step32.OperationsPerSecond, step64.OperationsPerSecond);
        var stepRate = Math.Round(stepPeak * 0.8);
        await Run("step-open80", string.Create(CultureInfo.InvariantCulture, $"Session step, open loop at 80 % of peak ({stepRate:0}/s of {stepPeak:0}/s)"),
            scenarios.Options(LoadMode.Step, 32, Math.Max(1, stepRate), options.Seconds(3), options.Seconds(25)), Rsa, rsa.PerSecond,
            (r, _) => [Below("step p99", r, "sign_up_mismatch", l => l.P99Ms, 50)]);

        const string Hash = "PBKDF2 ÷ 2";
        var journeys = await Run("journey-c16", "Sign-up journeys (no error branches), closed loop, 16 users",
            scenarios.Options(LoadMode.Journey, 16, null, options.Seconds(5), options.Seconds(30)), Hash, journeyCeiling,
            (_, result) => [AtLeast("journeys/s ÷ (hashes/s ÷ 2)", result.Ratio, 0.9)]);
        var journeyRate = Math.Round(journeys.OperationsPerSecond * 0.8, 1);
        await Run("journey-open80", string.Create(CultureInfo.InvariantCulture, $"Sign-up journeys, open loop at 80 % of peak ({journeyRate:0.0}/s of {journeys.OperationsPerSecond:0.0}/s)"),
            scenarios.Options(LoadMode.Journey, 16, Math.Max(0.5, journeyRate), options.Seconds(5), options.Seconds(30)), Hash, journeyCeiling,
            (_, _) => []);

        if (startClustered is not null)
        {
            // Right before it, so both run under the same background load.
            var before = await StepC32("step-c32-before", "Session step, co-hosted, right before the clustered run, closed loop, 32 users", reference: true);
            results.Add(await RunClusteredAsync(before));
        }
        memory = await SessionMemoryProbe.RunAsync(connectionString);
        return await SummaryAsync();

        // bench/BareEndpoint: Kestrel, one route, the signature check, RSA, AES-GCM and the answer; no middleware,
        // logging, metrics or grains. Warmed up like the Api, then measured like ping-c32; it carries no target.
        async Task<ScenarioResult> RunBareAsync()
        {
            Console.Error.WriteLine("== the ping's floor: a bare Kestrel endpoint (bench/BareEndpoint)");
            var (process, bareScenarios) = await startBare!();
            using (process)
            {
                await bareScenarios.WarmUpAsync(LoadMode.Ping, options.Seconds(15));
                var (_, result) = await bareScenarios.RunAsync("ping-bare-c32",
                    "Encrypted ping against a bare Kestrel endpoint (bench/BareEndpoint: the protocol's work only), closed loop, 32 connections",
                    bareScenarios.Options(LoadMode.Ping, 32, null, options.Seconds(3), options.Seconds(25)), Rsa, rsa.PerSecond, (_, _) => []);
                results.Add(result);
                return result;
            }
        }

        // The same step through an Api that is an Orleans client of a separate silo process: every step crosses two
        // processes. Its server CPU per step (Api + silo + PostgreSQL) is set against the co-hosted step's (Api +
        // PostgreSQL) measured just before and again just after it: CPU per request moves with the machine's load,
        // which other engineers' work changes from minute to minute, so the clustered run is bracketed.
        async Task<ScenarioResult> RunClusteredAsync(ScenarioResult before)
        {
            Console.Error.WriteLine("== clustered topology: the Api as an Orleans client of a separate silo");
            ScenarioResult result;
            using (var clustered = await startClustered!(1))
            {
                // Fresh processes: the same unrecorded warm-up the co-hosted Api had, or the JIT's tiering is measured
                // as the topology's cost (it made the clustered step look 1.86× the co-hosted one).
                await clustered.Scenarios.WarmUpAsync(LoadMode.Step, options.Seconds(25));
                (_, result) = await clustered.Scenarios.RunAsync("step-c32-clustered",
                    "Session step through the clustered topology (Api as client + separate silo), closed loop, 32 users",
                    clustered.Scenarios.Options(LoadMode.Step, 32, null, options.Seconds(3), options.Seconds(20)), Rsa, rsa.PerSecond,
                    (_, _) => []);
            }
            var after = await StepC32("step-c32-after", "Session step, co-hosted, right after the clustered run, closed loop, 32 users", reference: true);
            var coHosted = (before.ServerCpuPerRequestUs + after.ServerCpuPerRequestUs) / 2;
            var factor = coHosted > 0 ? result.ServerCpuPerRequestUs / coHosted : (double?)null;
            return result with
            {
                Targets =
                [
                    new TargetCheck("server CPU per step, clustered ÷ co-hosted (mean of the runs just before and after)", "≤ 1.30×",
                        factor is { } f
                            ? string.Create(CultureInfo.InvariantCulture,
                                $"{f:0.00}× ({result.ServerCpuPerRequestUs:0} µs ÷ {coHosted:0} µs; co-hosted {before.ServerCpuPerRequestUs:0} and {after.ServerCpuPerRequestUs:0} µs)")
                            : "-",
                        factor <= 1.3),
                ],
            };
        }

        async Task<BenchSummary> SummaryAsync()
        {
            var problems = results
                .Where(r => !r.Passed)
                .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id}: {r.Failures} verification failures, {r.ServerErrors} 5xx answers (see results/{r.Id}.json)"))
                .ToList();
            return new BenchSummary(startedAt, DateTimeOffset.UtcNow, options.Command, machine, postgres, BenchArguments.PasswordIterations,
                rsa, pbkdf2, loadAtStart, results, await StoredStateAsync(connectionString), problems.Count == 0, problems, memory);
        }
    }

    /// <summary>What each step's state write costs in storage: rows and payload sizes per grain type.</summary>
    private static async Task<IReadOnlyList<StoredGrainState>> StoredStateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grain_type, count(*), coalesce(avg(pg_column_size(payload)), 0)::float8, coalesce(max(pg_column_size(payload)), 0)::int8 " +
            "FROM grain_state GROUP BY grain_type ORDER BY grain_type", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredGrainState>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredGrainState(reader.GetString(0), reader.GetInt64(1), Math.Round(reader.GetDouble(2)), reader.GetInt64(3)));
        }
        return rows;
    }

    private static TargetCheck AtLeast(string what, double? ratio, double target) => new(
        what,
        string.Create(CultureInfo.InvariantCulture, $"≥ {target * 100:0} %"),
        ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r * 100:0.0} %") : "-",
        ratio >= target);

    private static TargetCheck Below(string what, LoadReport report, string step, Func<Backend.LoadGen.Measurement.LatencySummary, double> figure, double limitMs)
    {
        var value = report.Latency.TryGetValue(step, out var latency) ? figure(latency) : (double?)null;
        return new TargetCheck(
            what,
            string.Create(CultureInfo.InvariantCulture, $"< {limitMs} ms"),
            value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.000} ms") : "-",
            value < limitMs);
    }
}
