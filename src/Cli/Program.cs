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
        root.Subcommands.Add(FlowsCommand.CreateFlow(cli));
        root.Subcommands.Add(FlowsCommand.Update(cli));
        root.Subcommands.Add(FlowsCommand.Upload(cli));
        root.Subcommands.Add(FlowsCommand.Publish(cli));
        root.Subcommands.Add(FlowsCommand.Deprecate(cli));
        root.Subcommands.Add(FlowsCommand.Delete(cli));
        root.Subcommands.Add(FlowsCommand.Get(cli));
        root.Subcommands.Add(FlowsCommand.Preview(cli));
        root.Subcommands.Add(FlowsCommand.List(cli));
        root.Subcommands.Add(FlowsSendCommand.Create(cli));
        root.Subcommands.Add(ConfigCommand.Create(cli));
        root.Subcommands.Add(ValidateCommand.Create()); // Flow JSON checked offline against Meta's rules
        cli.Globals.AddTo(root);
        return root;
    }
}
