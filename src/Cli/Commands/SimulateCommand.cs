using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Backend.FlowCatalog;
using Backend.Flows.Endpoint;
using Backend.Flows.FlowJson.Validation;

namespace Backend.Cli.Commands;

/// <summary>
/// <c>flows simulate &lt;flow name or file&gt; [--endpoint URL] [--api URL] [--admin-token TOKEN] [--no-open]</c>:
/// prints the link to the Api's flow simulator (<c>/dashboard/simulator</c>) for a catalog flow, or for a Flow JSON
/// file, which is validated here first (findings printed) and then posted to the simulator with the admin token;
/// then opens the link with <c>xdg-open</c> when there is one. See docs/simulator.md.
/// </summary>
public static class SimulateCommand
{
    /// <summary>Environment variable of the Api's base URL.</summary>
    public const string ApiUrlVariable = "FLOWS_API_URL";

    /// <summary>Environment variable of the Api's admin token (<c>Admin:Token</c>).</summary>
    public const string AdminTokenVariable = "FLOWS_ADMIN_TOKEN";

    /// <summary>Where <c>dotnet run --project src/Api</c> listens.</summary>
    public const string DefaultApiUrl = "http://127.0.0.1:5080";

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var flow = new Argument<string>("flow") { Description = "A catalog flow's name (sign_up, booking) or a Flow JSON file." };
        var endpoint = new Option<string?>("--endpoint") { Description = "The data endpoint to run against, on this machine (default: the Api's own /flows/{name})." };
        var api = new Option<string?>("--api") { Description = $"The Api's base URL (default: ${ApiUrlVariable}, else {DefaultApiUrl})." };
        var adminToken = new Option<string?>("--admin-token") { Description = $"The Api's admin token, to post a file (default: ${AdminTokenVariable})." };
        var noOpen = new Option<bool>("--no-open") { Description = "Only print the link." };
        var command = new Command("simulate", "Open a flow in the local simulator: its screens in the browser, against a real endpoint.")
        {
            flow, endpoint, api, adminToken, noOpen,
        };
        command.SetAction(cli, async (parse, ct) =>
        {
            var apiUrl = ApiUrl(parse.GetValue(api) ?? NonEmpty(cli.Environment(ApiUrlVariable)) ?? DefaultApiUrl);
            var endpointUrl = parse.GetValue(endpoint);
            if (endpointUrl is not null && !LoopbackEndpoint.TryParse(endpointUrl, out _))
            {
                throw new CliUsageException($"--endpoint must be {LoopbackEndpoint.Rule}: the simulator posts nowhere else. Got '{endpointUrl}'.");
            }
            var name = parse.GetValue(flow)!;
            string key;
            if (File.Exists(name))
            {
                key = await UploadAsync(cli, new FileInfo(name), apiUrl, parse.GetValue(adminToken) ?? NonEmpty(cli.Environment(AdminTokenVariable)), ct);
            }
            else if (Catalog.Find(name) is not null)
            {
                key = name;
            }
            else
            {
                throw new CliUsageException($"'{name}' is neither a file nor a catalog flow ({string.Join(", ", Catalog.All.Select(f => f.Name))}).");
            }
            var link = $"{apiUrl}/dashboard/simulator?flow={Uri.EscapeDataString(key)}"
                + (endpointUrl is null ? "" : "&endpoint=" + Uri.EscapeDataString(endpointUrl));
            await cli.Out.WriteLineAsync(link);
            if (!parse.GetValue(noOpen))
            {
                await OpenAsync(cli, link);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    // Validated here first; posted even with errors, since the simulator shows them beside the screens.
    private static async Task<string> UploadAsync(CliContext cli, FileInfo file, string apiUrl, string? adminToken, CancellationToken ct)
    {
        var text = await File.ReadAllTextAsync(file.FullName, ct);
        var result = FlowJsonValidator.Validate(text);
        ValidateCommand.Print(file, result, cli.Out);
        if (string.IsNullOrEmpty(adminToken))
        {
            throw new CliUsageException($"Posting a file to the simulator needs the Api's admin token: --admin-token or ${AdminTokenVariable}.");
        }
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(apiUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
        try
        {
            // The simulator is behind the dashboard's sign-in: the admin token buys its cookie.
            using var signIn = await http.PostAsync("/dashboard/signin", new FormUrlEncodedContent([new("token", adminToken)]), ct);
            if (signIn.StatusCode != HttpStatusCode.Found || signIn.Headers.Location?.OriginalString != "/dashboard")
            {
                throw new CliUsageException($"The Api at {apiUrl} did not accept the admin token (sign-in answered {(int)signIn.StatusCode} to {signIn.Headers.Location}).");
            }
            using var content = new StringContent(text, Encoding.UTF8, "application/json");
            using var upload = await http.PostAsync($"/dashboard/simulator/api/flows?name={Uri.EscapeDataString(file.Name)}", content, ct);
            var body = await upload.Content.ReadAsStringAsync(ct);
            if (upload.StatusCode != HttpStatusCode.Created)
            {
                throw new CliUsageException($"The simulator refused the file ({(int)upload.StatusCode}): {Detail(body)}");
            }
            using var created = JsonDocument.Parse(body);
            return created.RootElement.GetProperty("key").GetString()!;
        }
        catch (HttpRequestException e)
        {
            throw new CliUsageException($"Cannot reach the Api at {apiUrl} ({e.Message}). Start it with: dotnet run --project src/Api");
        }
    }

    // xdg-open when it is on the PATH; its absence or failure is never an error (the link is printed).
    private static async Task OpenAsync(CliContext cli, string link)
    {
        var opener = (cli.Environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "xdg-open")).FirstOrDefault(File.Exists);
        if (opener is null)
        {
            await cli.Error.WriteLineAsync("(xdg-open not found: open the link in a browser)");
            return;
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, [link]) { UseShellExecute = false });
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            await cli.Error.WriteLineAsync($"(xdg-open failed: {e.Message}; open the link in a browser)");
        }
    }

    private static string ApiUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority)
            : throw new CliUsageException($"--api must be an absolute http(s) URL; got '{value}'.");

    private static string Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
