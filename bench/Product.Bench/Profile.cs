using System.Diagnostics;
using Backend.LoadGen;

namespace Backend.Product.Bench;

/// <summary>
/// Where the Api's CPU goes under one scenario (issue 15: "profile the ping and the step … report where the CPU goes
/// beyond RSA, per stage"): Linux <c>perf record -g</c> on the Api process at 499 Hz while flows-load runs, after a
/// warm-up long enough for the JIT to finish tiering, with the Api started with <c>DOTNET_PerfMapEnabled=1</c> (JIT
/// frames named in <c>/tmp/perf-PID.map</c>) and <c>DOTNET_EnableWriteXorExecute=0</c> (code in one mapping perf can
/// resolve). <c>bench/profile/breakdown.py</c> then buckets the samples by library and by stage of the request path.
/// Needs <c>perf</c> and the right to trace the Api (root, or <c>perf_event_paranoid</c> ≤ 1).
/// </summary>
internal static class Profile
{
    /// <summary>What the Api needs in its environment to be profiled.</summary>
    public static readonly IReadOnlyDictionary<string, string> ApiEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    public static async Task<int> RunAsync(ApiProcess api, LoadScenarios scenarios, string mode, string folder, BenchArguments options)
    {
        var load = mode == "ping" ? LoadMode.Ping : LoadMode.Step;
        // Warm-up: both modes, so the JIT has tiered up what either uses (it took over 10 % of the CPU in the first
        // minute of load in an early profile).
        await scenarios.WarmUpAsync(LoadMode.Step, options.Seconds(30));
        await scenarios.WarmUpAsync(LoadMode.Ping, options.Seconds(15));

        var data = Path.Combine(folder, $"perf-{mode}.data");
        var run = scenarios.RunAsync($"profile-{mode}", $"{mode} under perf", scenarios.Options(load, 32, null, TimeSpan.FromSeconds(3), options.Seconds(25)), null, null, (_, _) => []);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var recorded = await ToolAsync("perf", ["record", "-F", "499", "-g", "-p", api.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", data, "--", "sleep", "15"], null);
        await run;
        if (recorded != 0)
        {
            Console.Error.WriteLine("perf record failed: is perf installed, and may this user trace the Api?");
            return 1;
        }
        var script = Path.Combine(folder, $"perf-{mode}.txt");
        await ToolAsync("perf", ["script", "-i", data], script);
        var breakdown = Path.Combine(AppContext.BaseDirectory, "breakdown.py");
        return await ToolAsync("python3", [breakdown], null, stdin: script);
    }

    private static async Task<int> ToolAsync(string file, string[] arguments, string? stdout, string? stdin = null)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = stdout is not null, RedirectStandardInput = stdin is not null };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var copyOut = stdout is null ? Task.CompletedTask : WriteAsync(process.StandardOutput, stdout);
        if (stdin is not null)
        {
            await using (var input = File.OpenRead(stdin))
            {
                await input.CopyToAsync(process.StandardInput.BaseStream);
            }
            process.StandardInput.Close();
        }
        await copyOut;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static async Task WriteAsync(StreamReader reader, string file)
    {
        await using var output = File.Create(file);
        await reader.BaseStream.CopyToAsync(output);
    }
}
