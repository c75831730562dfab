using Backend.TestSupport.Graph;

namespace Backend.Cli.Tests;

/// <summary>Runs the real tool in-process with captured output, its environment pointed at a fake Graph server.</summary>
public sealed class CliHarness : IAsyncDisposable
{
    public CliHarness(bool withServer = true)
    {
        Directory.CreateDirectory(WorkDir);
        Server = withServer ? FakeGraphServer.Start() : null;
        if (Server is not null)
        {
            Environment["WHATSAPP_ACCESS_TOKEN"] = Server.AccessToken;
            Environment["WHATSAPP_WABA_ID"] = Server.WabaId;
            Environment["WHATSAPP_PHONE_NUMBER_ID"] = Server.PhoneNumberId;
            Environment["WHATSAPP_GRAPH_BASE_URL"] = Server.BaseUrl.ToString();
        }
    }

    public FakeGraphServer? Server { get; }

    public FakeGraphServer Graph => Server ?? throw new InvalidOperationException("No server.");

    /// <summary>A private temp folder (home directory and files of the test).</summary>
    public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "flows-cli-" + Guid.NewGuid().ToString("N"));

    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Answers to secret prompts, in order; empty means "no terminal".</summary>
    public Queue<string> SecretAnswers { get; } = new();

    public IFlowJsonPreflight? Preflight { get; set; }

    public string PathOf(string name) => Path.Combine(WorkDir, name);

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            Environment = name => Environment.GetValueOrDefault(name),
            HomeDirectory = WorkDir,
            ReadSecret = SecretAnswers.Count == 0 ? null : _ => SecretAnswers.Dequeue(),
            Preflight = Preflight ?? new ValidatorPreflight(),
        };
        var exit = await Program.RunAsync(args, context);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Directory.Delete(WorkDir, recursive: true);
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error);
