using System.CommandLine;
using Backend.Flows.Graph;
using Spectre.Console;

namespace Backend.Cli.Commands;

/// <summary><c>config show</c>: the effective settings, with secrets masked.</summary>
public static class ConfigCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var config = new Command("config", "Inspect the tool's configuration (environment variables, config file, flags).");
        var show = new Command("show", "Show the effective settings and where each comes from; the access token is masked.");
        show.SetAction(cli, (parse, _) =>
        {
            var settings = CliSettings.Resolve(parse, cli);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Setting").AddColumn("Value").AddColumn("From");
            void Row(string key, string? value) =>
                table.AddRow(new Text(key), new Text(value ?? "(not set)"), new Text(settings.Sources.GetValueOrDefault(key, "-")));
            Row("graphBaseUrl", settings.BaseUrl);
            Row("apiVersion", settings.ApiVersion);
            Row("accessToken", SecretMask.Mask(settings.AccessToken));
            Row("wabaId", settings.WabaId);
            Row("phoneNumberId", settings.PhoneNumberId);
            cli.Console.Write(table);
            cli.Out.WriteLine($"Config file: {settings.ConfigFile ?? "(none)"}");
            foreach (var warning in settings.Warnings)
            {
                cli.Error.WriteLine("warning: " + warning);
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        config.Subcommands.Add(show);
        return config;
    }
}
