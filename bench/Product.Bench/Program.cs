using System.Security.Cryptography;
using Backend.Product.Bench;
using Backend.TestSupport.Postgres;
using Npgsql;

// The product's figures (targets in bench/README.md): the Api as a separate process on Postgres, flows-load in this process,
// each throughput against its CPU ceiling measured in the same run. Started by bench/run.sh; see bench/README.md.
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("The bench reads /proc and runs the Api as a Linux process: Linux only.");
    return 2;
}
var options = BenchArguments.Parse(args);
var startedAt = DateTimeOffset.UtcNow;
var machine = MachineInfo.Current();
var loadAtStart = MachineInfo.LoadAverage();
Directory.CreateDirectory(options.ResultsFolder);

// Unless BACKEND_TEST_POSTGRES names a server, a throwaway cluster (stopped by its watchdog when this process ends).
var server = await PostgresServer.GetAsync();
var database = await server.CreateDatabaseAsync("bench");
var (postgres, postmaster) = await DescribePostgresAsync(server);

// The key pair and the Api's log; under the script's work folder when given, which the script removes however the
// bench ends (a SIGTERM from timeout skips this process's finally blocks).
var keyFolder = options.WorkFolder is { } work
    ? Directory.CreateDirectory(Path.Combine(work, "bench"))
    : Directory.CreateTempSubdirectory("product-bench-");
var exitCode = 0;
try
{
    using var key = RSA.Create(2048);
    var privateKey = Path.Combine(keyFolder.FullName, "private.pem");
    await using (var file = new FileStream(privateKey, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    }))
    await using (var writer = new StreamWriter(file))
    {
        await writer.WriteAsync(key.ExportPkcs8PrivateKeyPem());
    }
    var appSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    var settings = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["FlowEndpoint__Flows__0"] = "sign_up",
        ["FlowEndpoint__Keys__0__Path"] = privateKey,
        ["Meta__AppSecret"] = appSecret,
        ["Cluster__Storage"] = "Postgres",
        ["Cluster__ConnectionString"] = database.ConnectionString,
        ["FlowSessions__TokenPolicy"] = "AnyToken",
        ["Accounts__PasswordIterations"] = BenchArguments.PasswordIterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
    };
    if (options.Profile is not null)
    {
        foreach (var (name, value) in Profile.ApiEnvironment)
        {
            settings[name] = value;
        }
    }
    if (options.SoakMinutes is not null)
    {
        // Idle activations (a session and a user per journey) go after a minute instead of 15, so a soak of minutes
        // reaches the steady state it is meant to check.
        settings["Cluster__CollectionAge"] = "00:01:00";
    }

    using var api = await ApiProcess.StartAsync(options.ApiDll, settings, Path.Combine(keyFolder.FullName, "api.log"), options.PidFile);

    // The clustered topology: silo processes with membership and state in the same database, and a second Api as
    // their Orleans client (a service id of their own, so they share nothing with the co-hosted Api). Each call
    // starts a fresh cluster under a new cluster id.
    var clusters = 0;
    string? PidFile(string name) => options.PidFile is { } file ? Path.Combine(Path.GetDirectoryName(file)!, name + ".pid") : null;
    async Task<ClusteredTopology> StartClusteredAsync(int siloCount)
    {
        var cluster = new Dictionary<string, string>(settings)
        {
            ["Cluster__Membership"] = "Postgres",
            ["Cluster__ServiceId"] = "bench-clustered",
            ["Cluster__ClusterId"] = "bench-" + (++clusters).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Cluster__SiloPort"] = "0",
            ["Cluster__GatewayPort"] = "0",
        };
        var silos = new List<ApiProcess>();
        try
        {
            for (var i = 1; i <= siloCount; i++)
            {
                silos.Add(await ApiProcess.StartAsync(options.SiloDll!, cluster, Path.Combine(keyFolder.FullName, $"silo-{clusters}-{i}.log"), PidFile($"silo-{i}")));
            }
            var client = await ApiProcess.StartAsync(options.ApiDll, new Dictionary<string, string>(cluster) { ["Cluster__Mode"] = "Client" },
                Path.Combine(keyFolder.FullName, $"api-client-{clusters}.log"), PidFile("api-client"));
            return new ClusteredTopology(silos, client, new LoadScenarios(client, key.ExportSubjectPublicKeyInfoPem(), appSecret, options.ResultsFolder, postmaster, silos));
        }
        catch
        {
            silos.ForEach(silo => silo.Dispose());
            throw;
        }
    }
    // The ping's floor on this HTTP server: bench/BareEndpoint, the protocol's work and nothing else, with the same key and secret.
    async Task<(ApiProcess Process, LoadScenarios Scenarios)> StartBareAsync()
    {
        var bare = await ApiProcess.StartAsync(options.BareEndpointDll!, settings, Path.Combine(keyFolder.FullName, "bare-endpoint.log"), PidFile("bare-endpoint"));
        return (bare, new LoadScenarios(bare, key.ExportSubjectPublicKeyInfoPem(), appSecret, options.ResultsFolder, postmaster: null));
    }
    Console.Error.WriteLine($"Api {api.Id} healthy at {api.BaseUrl} (Postgres: {postgres})");
    var scenarios = new LoadScenarios(api, key.ExportSubjectPublicKeyInfoPem(), appSecret, options.ResultsFolder, postmaster);

    if (options.Scaling)
    {
        var figure = await Scaling.RunAsync(StartClusteredAsync, options);
        ResultsFiles.Write(Path.Combine(options.ResultsFolder, "scaling.json"), figure);
        exitCode = figure.Points.All(p => p.Run.Passed) ? 0 : 1;
    }
    else if (options.Profile is { } profiled)
    {
        exitCode = await Profile.RunAsync(api, scenarios, profiled, keyFolder.FullName, options);
    }
    else if (options.MemoryOnly)
    {
        ResultsFiles.Write(Path.Combine(options.ResultsFolder, "memory.json"), await SessionMemoryProbe.RunAsync(database.ConnectionString));
    }
    else if (options.BaselineApi is { } baselineDll)
    {
        // The baseline build on a database of its own: an older schema must not meet a newer one.
        await using var baselineDatabase = await server.CreateDatabaseAsync("bench_baseline");
        var baselineSettings = new Dictionary<string, string>(settings)
        {
            ["Cluster__ConnectionString"] = baselineDatabase.ConnectionString,
            ["Cluster__ServiceId"] = "bench-baseline",
            ["Cluster__SiloPort"] = "0",
            ["Cluster__GatewayPort"] = "-1",
        };
        var baselinePid = options.PidFile is { } pidFile ? Path.Combine(Path.GetDirectoryName(pidFile)!, "api-baseline.pid") : null;
        using var baseline = await ApiProcess.StartAsync(baselineDll, baselineSettings, Path.Combine(keyFolder.FullName, "api-baseline.log"), baselinePid);
        var figure = await Compare.RunAsync(scenarios,
            new LoadScenarios(baseline, key.ExportSubjectPublicKeyInfoPem(), appSecret, options.ResultsFolder, postmaster), options.BaselineName ?? baselineDll, options);
        ResultsFiles.Write(Path.Combine(options.ResultsFolder, "compare.json"), figure);
        exitCode = figure.Runs.All(r => r.Passed) ? 0 : 1;
    }
    else if (options.DashboardCost)
    {
        // A second Api, identical but for Dashboard:Enabled=false (its own silo ports and service id).
        var disabledSettings = new Dictionary<string, string>(settings)
        {
            ["Dashboard__Enabled"] = "false",
            ["Cluster__ServiceId"] = "bench-no-dashboard",
            ["Cluster__SiloPort"] = "0",
            ["Cluster__GatewayPort"] = "-1",
        };
        var disabledPid = options.PidFile is { } pidFile ? Path.Combine(Path.GetDirectoryName(pidFile)!, "api-no-dashboard.pid") : null;
        using var disabled = await ApiProcess.StartAsync(options.ApiDll, disabledSettings, Path.Combine(keyFolder.FullName, "api-no-dashboard.log"), disabledPid);
        // A third: the product's dashboard on, Orleans' dashboard (its grain-call profiler and metrics) off.
        var ownOnlySettings = new Dictionary<string, string>(disabledSettings) { ["Dashboard__Enabled"] = "true", ["Dashboard__Orleans"] = "false", ["Cluster__ServiceId"] = "bench-own-dashboard" };
        var ownOnlyPid = options.PidFile is { } file ? Path.Combine(Path.GetDirectoryName(file)!, "api-own-dashboard.pid") : null;
        using var ownOnly = await ApiProcess.StartAsync(options.ApiDll, ownOnlySettings, Path.Combine(keyFolder.FullName, "api-own-dashboard.log"), ownOnlyPid);
        var figure = await DashboardCost.RunAsync(
            scenarios, new LoadScenarios(disabled, key.ExportSubjectPublicKeyInfoPem(), appSecret, options.ResultsFolder, postmaster),
            new LoadScenarios(ownOnly, key.ExportSubjectPublicKeyInfoPem(), appSecret, options.ResultsFolder, postmaster), options);
        ResultsFiles.Write(Path.Combine(options.ResultsFolder, "dashboard-cost.json"), figure);
        exitCode = figure.Runs.All(r => r.Passed) ? 0 : 1;
    }
    else if (options.SoakMinutes is { } minutes)
    {
        var soak = await Soak.RunAsync(api, scenarios, machine, options, minutes);
        ResultsFiles.Write(Path.Combine(options.ResultsFolder, ResultsFiles.Soak), soak);
        exitCode = soak.Load.Passed && soak.Flat ? 0 : 1;
    }
    else
    {
        var summary = await Bench.RunAsync(api, scenarios, machine, options, startedAt, loadAtStart, postgres, database.ConnectionString,
            options.SiloDll is null ? null : StartClusteredAsync, options.BareEndpointDll is null ? null : StartBareAsync);
        ResultsFiles.Write(Path.Combine(options.ResultsFolder, ResultsFiles.Summary), summary);
        exitCode = summary.Passed ? 0 : 1;
        foreach (var target in summary.Scenarios.SelectMany(r => r.Targets.Select(t => (r.Id, t))))
        {
            Console.Error.WriteLine($"target {target.Id}: {target.t.What} {target.t.Required}: {target.t.Measured} ({(target.t.Met ? "met" : "NOT met")})");
        }
        foreach (var problem in summary.Problems)
        {
            Console.Error.WriteLine("FAILED: " + problem);
        }
    }
    if (options.Readme is not null)
    {
        ReadmeWriter.Write(options.Readme, options.ResultsFolder);
        Console.Error.WriteLine($"wrote {options.Readme}");
    }
    if (!api.IsRunning)
    {
        Console.Error.WriteLine($"The Api is no longer running; see {api.LogFile}.");
        exitCode = 1;
    }
}
catch (Exception ex)
{
    Console.Error.WriteLine($"bench failed: {ex}");
    var log = Path.Combine(keyFolder.FullName, "api.log");
    if (File.Exists(log))
    {
        Console.Error.WriteLine("--- Api log (last lines) ---");
        foreach (var line in File.ReadLines(log).TakeLast(40))
        {
            Console.Error.WriteLine(line);
        }
    }
    exitCode = 1;
}
finally
{
    keyFolder.Delete(recursive: true);
    await database.DisposeAsync();
}
return exitCode;

// The throwaway cluster runs with durability off (fsync, synchronous_commit and full_page_writes off on its command
// line, which configuration cannot override): say so next to the figures.
static async Task<(string Description, int? Postmaster)> DescribePostgresAsync(PostgresServer server)
{
    await using var connection = new NpgsqlConnection(server.AdminConnectionString);
    await connection.OpenAsync();
    async Task<string> Show(string name)
    {
        await using var command = new NpgsqlCommand($"SHOW {name}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
    var version = (await Show("server_version")).Split(' ')[0];
    var postmaster = server.IsThrowaway ? CpuSnapshot.Postmaster(await Show("data_directory")) : null;
    var description = $"PostgreSQL {version}, {(server.IsThrowaway ? "throwaway cluster on 127.0.0.1 started by the bench (tests/TestSupport)" : "server from BACKEND_TEST_POSTGRES")}, " +
        $"fsync={await Show("fsync")}, synchronous_commit={await Show("synchronous_commit")}, full_page_writes={await Show("full_page_writes")}, shared_buffers={await Show("shared_buffers")}";
    return (description, postmaster);
}

/// <summary>The bench's command line.</summary>
/// <param name="ApiDll">Path of Backend.Api.dll.</param>
/// <param name="SiloDll">Path of Backend.Silo.dll: the clustered topology is measured too when given.</param>
/// <param name="ResultsFolder">Where the JSON results go.</param>
/// <param name="Readme">The README to (re)generate, if any.</param>
/// <param name="Command">The command line to record in the README.</param>
/// <param name="PidFile">Where to write the Api's process id (for the script's cleanup).</param>
/// <param name="SoakMinutes">Run a soak of this many minutes instead of the bench.</param>
/// <param name="Scale">Multiplies every measured duration (1 by default; smaller to try the runner itself).</param>
/// <param name="WorkFolder">Where the key pair and the Api's log go (removed by the caller); a temporary folder when null.</param>
/// <param name="ClusteredOnly">Only the co-hosted and clustered step runs (to study the clustered topology); no README.</param>
/// <param name="DashboardCost">Only the dashboard's cost: steps with and without its collection (results/dashboard-cost.json); no README.</param>
/// <param name="BaselineApi">Only a before/after comparison: this other build's Backend.Api.dll against the current one (compare.json); no README.</param>
/// <param name="BaselineName">How the baseline is named in the output (its commit).</param>
/// <param name="MemoryOnly">Only the memory of idle session activations (memory.json); no README.</param>
/// <param name="Profile">Only a CPU profile of the Api under <c>ping</c> or <c>step</c> (perf), printed by library; no README.</param>
/// <param name="Scaling">Only the local cluster with 1, 2 and 3 silos (results/scaling.json, docs/capacity.md); no README.</param>
/// <param name="BareEndpointDll">Path of Backend.BareEndpoint.dll: the ping is measured against it too, as the floor of any endpoint.</param>
internal sealed record BenchArguments(string ApiDll, string? SiloDll, string ResultsFolder, string? Readme, string Command, string? PidFile, double? SoakMinutes, double Scale, string? WorkFolder,
    bool ClusteredOnly, bool DashboardCost, string? BaselineApi, string? BaselineName, bool MemoryOnly, string? Profile, bool Scaling, string? BareEndpointDll)
{
    /// <summary>PBKDF2 iterations the Api is configured with (the product's minimum and default).</summary>
    public const int PasswordIterations = 100_000;

    public static BenchArguments Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return new BenchArguments(
            Value("--api") ?? throw new ArgumentException("--api <Backend.Api.dll> is required."),
            Value("--silo"),
            Value("--results") ?? "bench/results",
            Value("--readme"),
            Value("--command") ?? "bash bench/run.sh",
            Value("--pid-file"),
            args.Contains("--soak") ? (Value("--soak") is { } minutes && !minutes.StartsWith('-') ? Number(minutes) : 10) : null,
            Value("--scale") is { } scale ? Number(scale) : 1,
            Value("--work"),
            args.Contains("--clustered-only"),
            args.Contains("--dashboard-cost"),
            Value("--baseline-api"),
            Value("--baseline-name"),
            args.Contains("--memory-only"),
            Value("--profile"),
            args.Contains("--scaling"),
            Value("--bare-endpoint"));
    }

    /// <summary><paramref name="seconds"/> scaled by <see cref="Scale"/>.</summary>
    public TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds * Scale);
}
