using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Backend.TestSupport;
using Backend.TestSupport.Meta;
using Xunit.Abstractions;

namespace Backend.Api.Tests;

/// <summary>
/// The Api as a process of its own, flooded with refused requests carrying 60 KB random flow tokens: its memory
/// stays where it was (outside testing saw 90 MB grow to over 1 GB when such tokens were kept).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class JunkTokenMemoryTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backend-junk-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TenThousandRefusedRequestsWithLargeRandomTokensLeaveTheApisMemoryWithin50MB()
    {
        using var key = RSA.Create(2048);
        var keyFile = Path.Combine(_folder, "key.pem");
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Backend.Api.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["FlowEndpoint__Keys__0__Path"] = keyFile;
        start.Environment["Meta__AppSecret"] = FlowsApiFactory.AppSecret;
        start.Environment["Cluster__SiloPort"] = "0";
        start.Environment["Cluster__GatewayPort"] = "-1";
        start.Environment["Logging__LogLevel__Default"] = "Error";
        using var api = Process.Start(start)!;
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, _) => { };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitHealthyAsync(http);
            var meta = new MetaFlowClient(http, key, FlowsApiFactory.AppSecret);

            await FloodAsync(meta, 500);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var before = RssMb(api.Id);
            var answers = await FloodAsync(meta, 10_000);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var after = RssMb(api.Id);

            output.WriteLine($"RSS {before:0} MB before, {after:0} MB after 10,000 refused requests; answers: {string.Join(", ", answers.Select(a => $"{a.Value}×{a.Key}"))}");
            Assert.Equal([427], answers.Keys);
            Assert.True(after - before < 50, $"RSS grew from {before:0} MB to {after:0} MB");
        }
        finally
        {
            api.Kill();
            await api.WaitForExitAsync();
        }
    }

    /// <summary>Sends <paramref name="count"/> INITs with 60 KB random tokens over 8 connections; counts the statuses.</summary>
    private static async Task<Dictionary<int, int>> FloodAsync(MetaFlowClient meta, int count)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                // 60,000 characters: under the field limit (65,536), far over the token limit (1,024).
                var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(45_000));
                using var response = await meta.PostAsync("/flows/sign_up", meta.Seal($$"""{"version":"3.0","action":"INIT","flow_token":"{{token}}"}"""));
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }
        })));
        return new Dictionary<int, int>(statuses);
    }

    private static async Task WaitHealthyAsync(HttpClient http)
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("The Api did not become healthy.");
    }

    private static double RssMb(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024)
            .Single();
}
