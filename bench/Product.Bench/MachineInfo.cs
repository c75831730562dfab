using System.Globalization;
using System.Runtime.InteropServices;

namespace Backend.Product.Bench;

/// <summary>The machine the figures come from.</summary>
/// <param name="Cores">Logical cores offered to the process.</param>
/// <param name="CpuModel">From /proc/cpuinfo.</param>
/// <param name="MemoryGb">MemTotal from /proc/meminfo.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Os">The operating system.</param>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGb, string Runtime, string Os)
{
    /// <summary>This machine.</summary>
    public static MachineInfo Current()
    {
        var model = ReadField("/proc/cpuinfo", "model name") ?? "unknown";
        var memory = ReadField("/proc/meminfo", "MemTotal") is { } total
            ? long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) / 1024.0 / 1024.0
            : 0;
        return new MachineInfo(Environment.ProcessorCount, model, Math.Round(memory, 1), RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
    }

    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine while the figures were taken.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string? ReadField(string file, string name)
    {
        if (!File.Exists(file))
        {
            return null;
        }
        return File.ReadLines(file)
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();
    }
}
