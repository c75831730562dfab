using System.CommandLine;
using System.CommandLine.Help;
using Backend.Flows.Graph;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backend.Cli;

/// <summary>Exit codes of the tool.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The Graph API refused, or the Flow JSON has validation errors.</summary>
    public const int ApiOrValidationError = 1;

    /// <summary>Bad command line or configuration.</summary>
    public const int UsageError = 2;
}

/// <summary>Parses and runs a command line against a <see cref="CliContext"/>.</summary>
public static class CliRunner
{
    /// <summary>Runs the root command (which carries <see cref="CliContext.Globals"/>); parse errors give exit code 2.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, CliContext cli, CancellationToken cancellationToken = default)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                await cli.Error.WriteLineAsync("error: " + error.Message);
            }

            await cli.Error.WriteLineAsync($"Run '{string.Join(' ', CommandPath(parse.CommandResult.Command))} --help' for usage.");
            return ExitCodes.UsageError;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = cli.Out, Error = cli.Error }, cancellationToken);
    }

    /// <summary>
    /// Sets a command's action, mapping failures to exit codes: usage and configuration errors
    /// give 2, Graph API errors 1. Messages never include the access token.
    /// </summary>
    public static void SetAction(this Command command, CliContext cli, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct);
            }
            catch (CliUsageException e)
            {
                await cli.Error.WriteLineAsync("error: " + e.Message);
                return ExitCodes.UsageError;
            }
            catch (OptionsValidationException e)
            {
                await cli.Error.WriteLineAsync("error: invalid settings: " + string.Join(" ", e.Failures));
                return ExitCodes.UsageError;
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                await cli.Error.WriteLineAsync("error: " + e.Message);
                return ExitCodes.UsageError;
            }
            catch (GraphApiException e)
            {
                await cli.Error.WriteLineAsync("error: " + e.Message);
                if (e.ValidationErrors.Count > 0)
                {
                    FindingsTable.Write(cli, e.ValidationErrors);
                }

                return ExitCodes.ApiOrValidationError;
            }
            catch (GraphUnreachableException e)
            {
                await cli.Error.WriteLineAsync("error: " + e.Message);
                return ExitCodes.ApiOrValidationError;
            }
        });

    /// <summary>Resolves settings and builds a Graph client the way an application would (DI, IHttpClientFactory).</summary>
    public static GraphSession OpenGraph(ParseResult parse, CliContext cli, bool needWaba = false, bool needPhone = false)
    {
        var settings = CliSettings.Resolve(parse, cli);
        foreach (var warning in settings.Warnings)
        {
            cli.Error.WriteLine("warning: " + warning);
        }

        var options = settings.ToGraphOptions(needWaba, needPhone);
        var services = new ServiceCollection();
        services.AddWhatsAppGraphClient(o =>
        {
            o.BaseUrl = options.BaseUrl;
            o.ApiVersion = options.ApiVersion;
            o.AccessToken = options.AccessToken;
            o.WabaId = options.WabaId;
            o.PhoneNumberId = options.PhoneNumberId;
        });
        var provider = services.BuildServiceProvider();
        return new GraphSession(provider, provider.GetRequiredService<IWhatsAppGraphClient>(), settings);
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c is RootCommand ? "flows" : c.Name);
        }

        return names;
    }
}

/// <summary>A Graph client for one command run, with the settings it was built from.</summary>
/// <param name="services">Owns the HttpClient handlers.</param>
/// <param name="client">The client.</param>
/// <param name="settings">The resolved settings.</param>
public sealed class GraphSession(ServiceProvider services, IWhatsAppGraphClient client, CliSettings settings) : IAsyncDisposable
{
    /// <summary>The Graph client.</summary>
    public IWhatsAppGraphClient Client { get; } = client;

    /// <summary>The settings used.</summary>
    public CliSettings Settings { get; } = settings;

    /// <summary>Finds a flow id: digits are taken as an id, anything else as a flow name of the WABA.</summary>
    public async Task<string> ResolveFlowIdAsync(string flow, CancellationToken cancellationToken)
    {
        if (flow.Length > 0 && flow.All(char.IsAsciiDigit))
        {
            return flow;
        }

        if (Settings.WabaId is null)
        {
            throw new CliUsageException($"'{flow}' is not an id; looking a flow up by name needs the WABA id (WHATSAPP_WABA_ID or --waba-id).");
        }

        await foreach (var candidate in Client.ListFlowsAsync(cancellationToken: cancellationToken))
        {
            if (string.Equals(candidate.Name, flow, StringComparison.Ordinal))
            {
                return candidate.Id;
            }
        }

        throw new CliUsageException($"No flow named '{flow}' in WABA {Settings.WabaId}.");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => services.DisposeAsync();
}
