using System.CommandLine;
using Spectre.Console;

namespace Backend.Cli;

/// <summary>
/// Everything a command touches outside itself: output, environment, secret prompts, the offline
/// Flow JSON check, and the options every command shares. The process uses
/// <see cref="FromProcess"/>; tests build one around string writers.
/// </summary>
public sealed class CliContext
{
    /// <summary>Standard output.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable.</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>Prompts for a secret without echo; null when there is no terminal to ask.</summary>
    public Func<string, string?>? ReadSecret { get; init; }

    /// <summary>The user's home directory (for the default config file).</summary>
    public string HomeDirectory { get; init; } = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    /// <summary>Whether to draw spinners (only on a real terminal).</summary>
    public bool Interactive { get; init; }

    /// <summary>Offline check of a Flow JSON document before it is uploaded.</summary>
    public IFlowJsonPreflight Preflight { get; init; } = new ValidatorPreflight();

    /// <summary>Options accepted by every command.</summary>
    public GlobalOptions Globals { get; } = new();

    /// <summary>A Spectre console writing to <see cref="Out"/> (tables, grids).</summary>
    public IAnsiConsole Console => _console ??= CreateConsole();

    private IAnsiConsole? _console;

    /// <summary>The context of the running process.</summary>
    public static CliContext FromProcess() => new()
    {
        Out = System.Console.Out,
        Error = System.Console.Error,
        Environment = System.Environment.GetEnvironmentVariable,
        ReadSecret = System.Console.IsInputRedirected ? null : PromptSecret,
        Interactive = !System.Console.IsOutputRedirected,
    };

    private IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!Interactive)
        {
            // Redirected output (pipes, tests): a fixed width keeps tables stable.
            console.Profile.Width = 120;
        }

        return console;
    }

    private static string? PromptSecret(string prompt)
    {
        System.Console.Error.Write(prompt);
        var secret = new System.Text.StringBuilder();
        while (true)
        {
            var key = System.Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                System.Console.Error.WriteLine();
                return secret.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
    }
}

/// <summary>Connection options shared by every command (recursive on the root command).</summary>
public sealed class GlobalOptions
{
    /// <summary><c>--config</c></summary>
    public Option<FileInfo?> Config { get; } = new("--config")
    {
        HelpName = "file",
        Description = "JSON config file (default: $WHATSAPP_FLOWS_CONFIG, else ~/.config/whatsapp-flows/config.json when present).",
        Recursive = true,
    };

    /// <summary><c>--access-token</c></summary>
    public Option<string?> AccessToken { get; } = new("--access-token")
    {
        HelpName = "token",
        Description = "Graph API access token (prefer $WHATSAPP_ACCESS_TOKEN: flags are visible to other local users). Never printed.",
        Recursive = true,
    };

    /// <summary><c>--waba-id</c></summary>
    public Option<string?> WabaId { get; } = new("--waba-id")
    {
        HelpName = "id",
        Description = "WhatsApp Business Account id (env WHATSAPP_WABA_ID).",
        Recursive = true,
    };

    /// <summary><c>--phone-number-id</c></summary>
    public Option<string?> PhoneNumberId { get; } = new("--phone-number-id")
    {
        HelpName = "id",
        Description = "Business phone number id (env WHATSAPP_PHONE_NUMBER_ID).",
        Recursive = true,
    };

    /// <summary><c>--graph-base-url</c></summary>
    public Option<string?> GraphBaseUrl { get; } = new("--graph-base-url")
    {
        HelpName = "url",
        Description = "Graph API base URL (env WHATSAPP_GRAPH_BASE_URL; default https://graph.facebook.com).",
        Recursive = true,
    };

    /// <summary><c>--api-version</c></summary>
    public Option<string?> ApiVersion { get; } = new("--api-version")
    {
        HelpName = "version",
        Description = "Graph API version (env WHATSAPP_GRAPH_API_VERSION; default v23.0).",
        Recursive = true,
    };

    /// <summary>Adds the options to the root command.</summary>
    public void AddTo(Command root)
    {
        root.Options.Add(Config);
        root.Options.Add(AccessToken);
        root.Options.Add(WabaId);
        root.Options.Add(PhoneNumberId);
        root.Options.Add(GraphBaseUrl);
        root.Options.Add(ApiVersion);
    }
}
