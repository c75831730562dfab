using System.Diagnostics;
using System.Globalization;
using System.Net;
using Backend.TestSupport;

namespace Backend.Product.Bench;

/// <summary>
/// The product as a separate process (<c>dotnet Backend.Api.dll</c>) on 127.0.0.1 at a free port, its output in a log
/// file. Killed on dispose and, as a backstop, when this process exits (a <c>timeout</c> sends SIGTERM). Reads the
/// process's memory and CPU from <c>/proc</c>.
/// </summary>
public sealed class ApiProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ApiProcess(Process process, StreamWriter log, Uri baseUrl, string logFile)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
        LogFile = logFile;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Where the Api listens.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The Api's stdout and stderr.</summary>
    public string LogFile { get; }

    /// <summary>The Api's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="apiDll"/> with <paramref name="settings"/> as environment variables and waits for <c>/healthz</c>.</summary>
    public static async Task<ApiProcess> StartAsync(string apiDll, IReadOnlyDictionary<string, string> settings, string logFile, string? pidFile)
    {
        var port = LoopbackPorts.Free();
        var baseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(apiDll))!,
        };
        start.ArgumentList.Add(Path.GetFullPath(apiDll));
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        start.Environment["ASPNETCORE_URLS"] = baseUrl.GetLeftPart(UriPartial.Authority);
        // bench/run.sh sets inline socket completions for the load generator in this process; the server processes
        // run as they are deployed, without it, unless the settings ask for it.
        if (!settings.ContainsKey(InlineCompletions))
        {
            start.Environment.Remove(InlineCompletions);
        }
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the Api.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (pidFile is not null)
        {
            await File.WriteAllTextAsync(pidFile, process.Id.ToString(CultureInfo.InvariantCulture));
        }
        var api = new ApiProcess(process, log, baseUrl, logFile);
        try
        {
            await api.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            api.Dispose();
            throw;
        }
        return api;
    }

    /// <summary>Peak resident memory since start or the last <see cref="ResetPeakMemory"/> (VmHWM), in MB.</summary>
    public double PeakRssMb => StatusKilobytes("VmHWM:") / 1024.0;

    /// <summary>Current resident memory (VmRSS), in MB.</summary>
    public double RssMb => StatusKilobytes("VmRSS:") / 1024.0;

    /// <summary>CPU time (user and kernel) the Api has used so far.</summary>
    public TimeSpan CpuTime => CpuSnapshot.ProcessTime(Id);

    /// <summary>Resets VmHWM to the current RSS (<c>clear_refs</c> 5), so the next peak is one run's; false if refused.</summary>
    public bool ResetPeakMemory()
    {
        try
        {
            File.WriteAllText($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether the Api is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _log.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitHealthyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Api exited with {_process.ExitCode} before it was healthy; see {LogFile}.");
            }
            try
            {
                using var answer = await http.GetAsync(new Uri(BaseUrl, "healthz"));
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The Api was not healthy within {limit.TotalSeconds:0} s; see {LogFile}.");
    }

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
