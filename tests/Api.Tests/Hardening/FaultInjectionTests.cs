using System.Diagnostics;
using System.Security.Cryptography;
using Backend.Api.Tests.SignUp;
using Backend.TestSupport.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace Backend.Api.Tests.Hardening;

/// <summary>
/// Issue 14's fault suite: sign-up journeys (a sign-up, then its completion) run while PostgreSQL is stopped and
/// restarted, is slow, or has a full disk. Each fault is bounded in time; every client sees the right answer or a
/// retryable 503, and afterwards every acknowledged sign-up and completion is in the database exactly once. A silo
/// killed or hung under load is the cluster suite's (tests/Cluster.Tests, SiloFaultTests).
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    private const int Journeys = 24;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TheDatabaseStoppedAndRestarted()
    {
        var server = await PostgresServer.StartPrivateAsync();
        var database = await server.CreateDatabaseAsync("outage");
        using var key = RSA.Create(2048);
        FaultReport report;
        using (var api = new ProductApi(database.ConnectionString, key))
        {
            report = await FaultJourneys.RunAsync(api, database.ConnectionString, "database stopped for 3 s", Journeys, async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300));
                await server.StopAsync();
                await Task.Delay(TimeSpan.FromSeconds(3));
                await server.StartAsync();
            }, Limit);
            output.WriteLine(report.ToString());
            FaultJourneys.AssertSound(report, report.Statuses.GetValueOrDefault(503) > 0);
        }

        // What was acknowledged holds after the Api restarts: a completed token stays closed, an account logs in.
        using var restarted = new ProductApi(database.ConnectionString, key);
        var token = await restarted.IssueAsync();
        await restarted.StepAsync(token, "INIT");
        var login = await restarted.LoginAsync(token, report.AcknowledgedEmails[0], FaultJourneys.Password);
        Assert.Equal("LOGIN_SUCCESS", (string?)login.Answer?["screen"]);
        foreach (var completed in report.CompletedTokens)
        {
            Assert.Equal(427, (await restarted.StepAsync(completed, "INIT")).Status);
        }
    }

    [Fact]
    public async Task ASlowDatabase()
    {
        var server = await PostgresServer.StartPrivateAsync();
        var database = await server.CreateDatabaseAsync("slow");
        using var api = new ProductApi(database.ConnectionString);
        await api.IssueAsync(); // the schema exists once the silo has started
        // Every write of grain state waits as long as fault_delay says: slow but in time, then slower than a grain
        // call may take (Cluster:CallTimeout, 4 s), then normal again.
        await ExecuteAsync(database.ConnectionString, """
            CREATE TABLE fault_delay (seconds float8 NOT NULL);
            INSERT INTO fault_delay VALUES (0);
            CREATE FUNCTION fault_slow_write() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN PERFORM pg_sleep((SELECT seconds FROM fault_delay)); RETURN NEW; END $$;
            CREATE TRIGGER fault_slow_write BEFORE INSERT OR UPDATE ON grain_state FOR EACH ROW EXECUTE FUNCTION fault_slow_write();
            """);
        Task Delay(double seconds) => ExecuteAsync(database.ConnectionString, $"UPDATE fault_delay SET seconds = {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        var report = await FaultJourneys.RunAsync(api, database.ConnectionString, "writes 0.3 s for 0.5 s, then 6 s for 5 s", Journeys, async () =>
        {
            await Delay(0.3);
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            await Delay(6);
            await Task.Delay(TimeSpan.FromSeconds(5));
            await Delay(0);
        }, Limit);

        output.WriteLine(report.ToString());
        FaultJourneys.AssertSound(report, report.Statuses.GetValueOrDefault(503) > 0);
    }

    [Fact]
    public async Task AFullDisk()
    {
        // The database's files on a tmpfs of their own (a tablespace), filled to the last byte for 3 s. The WAL stays
        // on the main disk, as on a server whose data volume fills up. Mounting needs root, as CI runs.
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "The full-disk fault mounts a tmpfs: run the tests as root (CI does).");
        var server = await PostgresServer.StartPrivateAsync();
        var volume = Directory.CreateTempSubdirectory("backend-full-disk-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "tmpfs", volume);
        try
        {
            var location = Directory.CreateDirectory(Path.Combine(volume, "pg")).FullName;
            await RunAsync("chown", "postgres:postgres", location);
            await ExecuteAsync(server.AdminConnectionString, $"CREATE TABLESPACE fault_small LOCATION '{location}'");
            await ExecuteAsync(server.AdminConnectionString, "CREATE DATABASE full_disk TABLESPACE fault_small");
            var connectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = "full_disk" }.ConnectionString;
            var filler = Path.Combine(volume, "filler");

            FaultReport report;
            long filled = 0;
            using (var api = new ProductApi(connectionString))
            {
                // Full before the first sign-up: PostgreSQL extends a busy table by many pages at once, so a volume
                // filled while the first inserts run may leave them room enough for the whole test.
                report = await FaultJourneys.RunAsync(api, connectionString, "data volume full for 3 s", Journeys, async () =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(3));
                    File.Delete(filler);
                }, Limit, before: () =>
                {
                    filled = Fill(filler);
                    return Task.CompletedTask;
                });
            }
            output.WriteLine($"{report} (filler {filled / 1024} KiB)");
            FaultJourneys.AssertSound(report, filled > 0 && report.Statuses.GetValueOrDefault(503) > 0);
            await ExecuteAsync(server.AdminConnectionString, "DROP DATABASE full_disk WITH (FORCE)");
            await ExecuteAsync(server.AdminConnectionString, "DROP TABLESPACE fault_small");
        }
        finally
        {
            await RunAsync("umount", "-l", volume);
            Directory.Delete(volume, recursive: true);
        }
    }

    /// <summary>Writes zeros to <paramref name="path"/> until the volume has no byte left; returns the bytes written.</summary>
    private static long Fill(string path)
    {
        long written = 0;
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
        foreach (var size in new[] { 1 << 20, 64 << 10, 4 << 10, 512, 1 })
        {
            var zeros = new byte[size];
            try
            {
                while (true)
                {
                    file.Write(zeros);
                    written += size;
                }
            }
            catch (IOException)
            {
                // This chunk no longer fits: try a smaller one.
            }
        }
        return written;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
