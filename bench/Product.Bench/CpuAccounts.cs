using System.Diagnostics;
using System.Globalization;

namespace Backend.Product.Bench;

/// <summary>CPU used between two <see cref="CpuSnapshot"/>s, in cores (CPU seconds per wall second).</summary>
/// <param name="Machine">Every process on the machine (from <c>/proc/stat</c>): the bench, the Api, Postgres and other engineers' work.</param>
/// <param name="Api">The Api process.</param>
/// <param name="Postgres">The PostgreSQL server of the run (postmaster and its children), when it runs on this machine.</param>
/// <param name="Silo">The silo processes together, in the clustered topology (the Api then hosts no grains).</param>
public sealed record CpuUse(double Machine, double Api, double? Postgres, double? Silo);

/// <summary>A moment's CPU counters of the machine, the Api and the bench's PostgreSQL server.</summary>
/// <param name="At">Stopwatch timestamp.</param>
/// <param name="MachineBusy">Non-idle time of all cores since boot.</param>
/// <param name="Api">The Api's CPU time.</param>
/// <param name="Postgres">The server's CPU time (live processes only), or null.</param>
/// <param name="Silo">The silos' CPU time in the clustered topology (all of them together), or null.</param>
public sealed record CpuSnapshot(long At, TimeSpan MachineBusy, TimeSpan Api, TimeSpan? Postgres, TimeSpan? Silo)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Takes a snapshot; <paramref name="postmaster"/> is the server's process id, if known.</summary>
    public static CpuSnapshot Take(ApiProcess api, IReadOnlyList<ApiProcess> silos, int? postmaster) =>
        new(Stopwatch.GetTimestamp(), MachineBusyTime(), api.CpuTime, postmaster is { } pid ? TreeTime(pid) : null,
            silos.Count == 0 ? null : silos.Aggregate(TimeSpan.Zero, (sum, silo) => sum + silo.CpuTime));

    /// <summary>Cores used from <paramref name="earlier"/> to this snapshot.</summary>
    public CpuUse Since(CpuSnapshot earlier)
    {
        var wall = Stopwatch.GetElapsedTime(earlier.At, At).TotalSeconds;
        double Cores(TimeSpan used) => wall > 0 ? Math.Round(used.TotalSeconds / wall, 2) : 0;
        return new CpuUse(Cores(MachineBusy - earlier.MachineBusy), Cores(Api - earlier.Api),
            Postgres is { } now && earlier.Postgres is { } then ? Cores(now - then) : null,
            Silo is { } siloNow && earlier.Silo is { } siloThen ? Cores(siloNow - siloThen) : null);
    }

    /// <summary>CPU time of a process (user and kernel), from fields 14 and 15 of <c>/proc/pid/stat</c>.</summary>
    public static TimeSpan ProcessTime(int pid) => Stat(pid) is { } fields ? Ticks(fields[11]) + Ticks(fields[12]) : TimeSpan.Zero;

    /// <summary>The postmaster's process id from <c>postmaster.pid</c> in <paramref name="dataDirectory"/>, if readable.</summary>
    public static int? Postmaster(string dataDirectory)
    {
        try
        {
            var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// CPU of <paramref name="root"/> and its children: its own, its live children's, and (fields 16 and 17) that of the
    /// children it has reaped, so a connection's backend that exits between two snapshots is still counted.
    /// </summary>
    private static TimeSpan TreeTime(int root)
    {
        var total = Stat(root) is { } own ? Ticks(own[11]) + Ticks(own[12]) + Ticks(own[13]) + Ticks(own[14]) : TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != root && Stat(pid) is { } fields && fields[1] == root.ToString(CultureInfo.InvariantCulture))
            {
                total += Ticks(fields[11]) + Ticks(fields[12]);
            }
        }
        return total;
    }

    /// <summary>The fields of <c>/proc/pid/stat</c> after the command name (field 3 first), or null if the process is gone.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static TimeSpan MachineBusyTime()
    {
        // "cpu  user nice system idle iowait irq softirq steal ...": busy is everything but idle and iowait.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Take(8).Sum() - fields[3] - fields[4];
        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }

    private static TimeSpan Ticks(string value) => TimeSpan.FromSeconds(long.Parse(value, CultureInfo.InvariantCulture) / TicksPerSecond);
}
