using System.Diagnostics;
using System.Security.Cryptography;
using Backend.TestSupport;
using Backend.TestSupport.Dashboard;
using Backend.TestSupport.Meta;

// The cluster is started by a bash script, and its folder is made reachable with Unix file modes.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]

namespace Backend.Cluster.Tests;

/// <summary>
/// PostgreSQL, two silo processes and two Api processes (Orleans clients) started by <c>scripts/cluster.sh</c>
/// in a folder and on ports of their own, stopped by the same script (by the PIDs it recorded) at the end.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("backend-cluster-").FullName;
    private readonly Dictionary<string, string> _environment = [];

    public IReadOnlyList<string> ApiUrls { get; private set; } = [];

    public string ConnectionString { get; private set; } = "";

    public RSA BusinessKey { get; } = RSA.Create();

    private string Secret(string name) => File.ReadAllText(Path.Combine(_root, "secrets", name)).Trim();

    /// <summary>A client of Api node <paramref name="node"/> that encrypts and signs like Meta.</summary>
    public ProductClient Node(int node) =>
        new(new HttpClient { BaseAddress = new Uri(ApiUrls[node]), Timeout = TimeSpan.FromSeconds(30) }, BusinessKey, Secret("app-secret"), Secret("admin-token"));

    /// <summary>The dashboard's JSON API of Api node <paramref name="node"/>, signed in with the admin token.</summary>
    public Task<DashboardClient> DashboardAsync(int node) => DashboardClient.SignInAsync(new Uri(ApiUrls[node]), Secret("admin-token"));

    /// <summary>The PID of silo <paramref name="silo"/>.</summary>
    public int SiloPid(int silo) => int.Parse(File.ReadAllText(Path.Combine(_root, "pids", $"silo{silo}.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        // The postgres user (the server runs as it when the tests run as root) must reach the folder.
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var pg = LoopbackPorts.Free();
        // Two consecutive ports each (node 0 and node 1).
        var (silo, gateway, health, api) = (LoopbackPorts.FreeRange(2), LoopbackPorts.FreeRange(2), LoopbackPorts.FreeRange(2), LoopbackPorts.FreeRange(2));
        _environment["CLUSTER_ROOT"] = _root;
        _environment["CLUSTER_PG_PORT"] = pg.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["CLUSTER_SILO_PORT"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["CLUSTER_GATEWAY_PORT"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["CLUSTER_HEALTH_PORT"] = health.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["CLUSTER_API_PORT"] = api.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["CLUSTER_CONFIGURATION"] = Configuration;
        _environment["CLUSTER_NO_BUILD"] = "1"; // the project references built both
        await RunAsync("up", "-d", "2", "2");
        ApiUrls = [$"http://127.0.0.1:{api}", $"http://127.0.0.1:{api + 1}"];
        ConnectionString = $"Host=127.0.0.1;Port={pg};Username=postgres;Database=flows";
        BusinessKey.ImportFromPem(File.ReadAllText(Path.Combine(_root, "secrets", "private.pem")));
    }

    public async Task DisposeAsync()
    {
        await RunAsync("down");
        BusinessKey.Dispose();
        // CLUSTER_KEEP_LOGS=<folder> keeps the processes' logs for a failure's diagnosis.
        if (Environment.GetEnvironmentVariable("CLUSTER_KEEP_LOGS") is { Length: > 0 } keep)
        {
            var target = Directory.CreateDirectory(Path.Combine(keep, Path.GetFileName(_root))).FullName;
            foreach (var log in Directory.GetFiles(Path.Combine(_root, "logs")))
            {
                File.Copy(log, Path.Combine(target, Path.GetFileName(log)), overwrite: true);
            }
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }
    }

    /// <summary>Runs <c>scripts/cluster.sh</c>; a failure throws with its output and the processes' logs.</summary>
    private async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = TestData.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("scripts/cluster.sh");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var logs = Directory.Exists(Path.Combine(_root, "logs"))
                ? string.Join("\n", Directory.GetFiles(Path.Combine(_root, "logs"), "*.log").Select(f => $"--- {f}\n{Tail(f)}"))
                : "";
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await output}\n{await errors}\n{logs}");
        }
    }

    private static string Tail(string file) => string.Join("\n", File.ReadLines(file).TakeLast(30));

    // bin/<configuration>/net10.0: the build this test runs in is the one the cluster runs.
    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
}
