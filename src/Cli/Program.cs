using System.CommandLine;
using Backend.Cli;
using Backend.Cli.Commands;

return await Program.RunAsync(args, CliContext.FromProcess());

/// <summary>The <c>flows</c> command-line tool.</summary>
public static partial class Program
{
    /// <summary>Runs the tool: the process entry point and the tests both come through here.</summary>
    public static Task<int> RunAsync(string[] args, CliContext cli, CancellationToken cancellationToken = default) =>
        CliRunner.RunAsync(BuildRoot(cli), args, cli, cancellationToken);

    /// <summary>The command tree.</summary>
    public static RootCommand BuildRoot(CliContext cli)
    {
        // Each feature contributes its commands from its own file (Commands/*.cs).
        var root = new RootCommand("WhatsApp Flows backend tool: keys, Flow JSON validation, flow management and sending.");
        root.Subcommands.Add(KeysCommand.Create(cli));
        root.Subcommands.Add(FlowsCreateCommand.Create(cli));
        root.Subcommands.Add(FlowsUpdateCommand.Create(cli));
        root.Subcommands.Add(FlowsUploadCommand.Create(cli));
        root.Subcommands.Add(FlowsPublishCommand.Create(cli));
        root.Subcommands.Add(FlowsDeprecateCommand.Create(cli));
        root.Subcommands.Add(FlowsDeleteCommand.Create(cli));
        root.Subcommands.Add(FlowsGetCommand.Create(cli));
        root.Subcommands.Add(FlowsPreviewCommand.Create(cli));
        root.Subcommands.Add(FlowsListCommand.Create(cli));
        root.Subcommands.Add(FlowsSendCommand.Create(cli));
        root.Subcommands.Add(ConfigCommand.Create(cli));
        root.Subcommands.Add(ValidateCommand.Create()); // Flow JSON checked offline against Meta's rules
        root.Subcommands.Add(SimulateCommand.Create(cli)); // a flow in the Api's local simulator (docs/simulator.md)
        cli.Globals.AddTo(root);
        return root;
    }
}
