using System.Diagnostics;
using Npgsql;

namespace Backend.TestSupport.Postgres;

/// <summary>
/// The PostgreSQL server of this test process. Unless <c>BACKEND_TEST_POSTGRES</c> holds a
/// connection string (to a role that may create databases), the first use starts a throwaway
/// cluster: <c>initdb</c> into a temporary folder, <c>postgres</c> on 127.0.0.1 at a free port with
/// durability off for speed, run as the <c>postgres</c> OS user when the tests run as root
/// (initdb refuses root). A detached watchdog stops it (<c>pg_ctl stop -m immediate</c>) and removes
/// its folder as soon as this process has exited, however it exits: the test host is often killed
/// before exit handlers could finish. Clusters a watchdog could not clean are removed by the next run.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>Environment variable that points the tests at an existing server instead.</summary>
    public const string ConnectionStringVariable = "BACKEND_TEST_POSTGRES";

    private const string FolderPrefix = "backend-pg-";
    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private static PostgresServer? s_instance;
    private static int s_databases;

    private readonly LocalCluster? _cluster;

    private PostgresServer(string adminConnectionString, LocalCluster? cluster)
    {
        AdminConnectionString = adminConnectionString;
        _cluster = cluster;
    }

    /// <summary>A connection string to the server's maintenance database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>True when this process started the server (false when it came from the environment).</summary>
    public bool IsThrowaway => _cluster is not null;

    /// <summary>The server, started on first use.</summary>
    public static async Task<PostgresServer> GetAsync()
    {
        if (s_instance is { } ready)
        {
            return ready;
        }
        await StartLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (s_instance is null)
            {
                var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
                if (string.IsNullOrWhiteSpace(external))
                {
                    var cluster = await LocalCluster.StartAsync().ConfigureAwait(false);
                    s_instance = new PostgresServer(cluster.ConnectionString("postgres"), cluster);
                }
                else
                {
                    s_instance = new PostgresServer(external, cluster: null);
                }
            }
            return s_instance;
        }
        finally
        {
            StartLock.Release();
        }
    }

    /// <summary>
    /// A server of the caller's own, not shared with other tests, that it may stop and start again
    /// (<see cref="StopAsync"/>, <see cref="StartAsync"/>) to play a database outage. Removed when the process ends.
    /// </summary>
    public static async Task<PostgresServer> StartPrivateAsync()
    {
        var cluster = await LocalCluster.StartAsync().ConfigureAwait(false);
        return new PostgresServer(cluster.ConnectionString("postgres"), cluster);
    }

    /// <summary>
    /// Stops a private server (<c>pg_ctl -m fast</c>): open connections break, new ones are refused. Not a crash:
    /// the throwaway servers run with <c>synchronous_commit=off</c>, and a crash would lose commits the database
    /// itself had acknowledged.
    /// </summary>
    public Task StopAsync() => Private.PauseAsync();

    /// <summary>Starts a stopped private server again on the same port, with the same data.</summary>
    public Task StartAsync() => Private.ResumeAsync();

    private LocalCluster Private => _cluster ?? throw new InvalidOperationException("Only a server this process started can be stopped.");

    /// <summary>Creates an empty database with a unique name; dispose it to drop it.</summary>
    /// <param name="purpose">A short label that makes the name readable, e.g. the test class.</param>
    public async Task<PostgresDatabase> CreateDatabaseAsync(string purpose = "test")
    {
        var label = new string([.. purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(24)]);
        var name = $"t_{label}_{Environment.ProcessId}_{Interlocked.Increment(ref s_databases)}";
        await ExecuteAsync($"CREATE DATABASE \"{name}\"").ConfigureAwait(false);
        var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
        return new PostgresDatabase(this, name, connectionString);
    }

    internal async Task DropDatabaseAsync(string name)
    {
        if (IsThrowaway)
        {
            return; // the whole cluster goes at exit; dropping each database only costs time
        }
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>A cluster this process created, and how to stop it.</summary>
    private sealed class LocalCluster
    {
        private readonly string _folder;
        private readonly string _binaries;
        private readonly int _port;

        private LocalCluster(string folder, string binaries, int port)
        {
            _folder = folder;
            _binaries = binaries;
            _port = port;
        }

        private string DataFolder => Path.Combine(_folder, "data");

        public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _port,
            Username = "postgres",
            Database = database,
            Timeout = 15,
            IncludeErrorDetail = true,
        }.ConnectionString;

        public static async Task<LocalCluster> StartAsync()
        {
            var binaries = FindBinaries();
            RemoveAbandonedClusters(binaries);
            var folder = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
            await File.WriteAllTextAsync(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            Directory.CreateDirectory(Path.Combine(folder, "sockets"));
            if (RunsAsRoot)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", folder], asPostgres: false).ConfigureAwait(false);
            }
            await RunAsync(Path.Combine(binaries, "initdb"),
                ["-D", Path.Combine(folder, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                asPostgres: true).ConfigureAwait(false);

            // A free port can be taken between probing and binding: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var cluster = new LocalCluster(folder, binaries, LoopbackPorts.Free());
                try
                {
                    await cluster.ResumeAsync().ConfigureAwait(false);
                    cluster.StartWatchdog();
                    return cluster;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    cluster.Stop(removeFolder: false);
                }
            }
        }

        public Task ResumeAsync() => RunAsync(Path.Combine(_binaries, "pg_ctl"),
        [
            "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
            "-o", $"-p {_port} -k {Path.Combine(_folder, "sockets")} -c listen_addresses=127.0.0.1 -c fsync=off " +
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB",
            "start",
        ], asPostgres: true);

        public Task PauseAsync() => RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", DataFolder, "-m", "fast", "-w", "stop"], asPostgres: true);

        private void Stop(bool removeFolder)
        {
            StopCluster(_binaries, DataFolder);
            if (removeFolder)
            {
                TryDelete(_folder);
            }
        }

        /// <summary>Starts a detached shell that waits for this process to end, then stops the server and removes its folder.</summary>
        private void StartWatchdog()
        {
            var stop = $"{Quote(Path.Combine(_binaries, "pg_ctl"))} -D {Quote(DataFolder)} -m immediate -w stop";
            var script =
                "exec </dev/null >/dev/null 2>&1; " +
                $"while kill -0 {Environment.ProcessId}; do sleep 0.2; done; " +
                (RunsAsRoot ? $"runuser -u postgres -- {stop}; " : $"{stop}; ") +
                $"rm -rf {Quote(_folder)}";
            var start = new ProcessStartInfo("setsid")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in (string[])["sh", "-c", script])
            {
                start.ArgumentList.Add(argument);
            }
            using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog.");
        }

        private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

        private static void StopCluster(string binaries, string dataFolder)
        {
            if (File.Exists(Path.Combine(dataFolder, "postmaster.pid")))
            {
                try
                {
                    RunAsync(Path.Combine(binaries, "pg_ctl"), ["-D", dataFolder, "-m", "immediate", "-w", "stop"], asPostgres: true)
                        .GetAwaiter().GetResult();
                }
                catch (InvalidOperationException)
                {
                    // Already stopped.
                }
            }
        }

        private static void RemoveAbandonedClusters(string binaries)
        {
            foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
            {
                var ownerFile = Path.Combine(folder, "owner.pid");
                if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile), out var owner) || IsAlive(owner))
                {
                    continue;
                }
                StopCluster(binaries, Path.Combine(folder, "data"));
                TryDelete(folder);
            }
        }

        private static bool IsAlive(int processId)
        {
            try
            {
                using var process = Process.GetProcessById(processId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        private static void TryDelete(string folder)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the next run removes what is left.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static bool RunsAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

        private static string FindBinaries()
        {
            var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "initdb"))
                .FirstOrDefault(File.Exists);
            if (fromPath is not null)
            {
                // Resolve symlinks so pg_ctl and postgres come from the same installation.
                var resolved = new FileInfo(fromPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fromPath;
                return Path.GetDirectoryName(resolved)!;
            }
            var installed = Directory.Exists("/usr/lib/postgresql")
                ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                    .Select(dir => Path.Combine(dir, "bin"))
                    .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                    .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                    .FirstOrDefault()
                : null;
            return installed ?? throw new InvalidOperationException(
                $"PostgreSQL server binaries (initdb, pg_ctl) were found neither on PATH nor in /usr/lib/postgresql/*/bin; install PostgreSQL or set {ConnectionStringVariable}.");
        }

        private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
        {
            var start = new ProcessStartInfo
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (asPostgres && RunsAsRoot)
            {
                start.FileName = "runuser";
                foreach (var argument in (string[])["-u", "postgres", "--", file])
                {
                    start.ArgumentList.Add(argument);
                }
            }
            else
            {
                start.FileName = file;
            }
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{Path.GetFileName(file)} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
            }
        }
    }
}

/// <summary>A fresh database for one test class (or one benchmark run).</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly PostgresServer _server;

    internal PostgresDatabase(PostgresServer server, string name, string connectionString)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Creates a database on this process's server (started on first use).</summary>
    public static async Task<PostgresDatabase> CreateAsync(string purpose = "test") =>
        await (await PostgresServer.GetAsync().ConfigureAwait(false)).CreateDatabaseAsync(purpose).ConfigureAwait(false);

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>A connection string to this database.</summary>
    public string ConnectionString { get; }

    /// <summary>Drops the database (a throwaway server is removed as a whole at exit instead).</summary>
    public async ValueTask DisposeAsync() => await _server.DropDatabaseAsync(Name).ConfigureAwait(false);
}
