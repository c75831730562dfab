using System.CommandLine;

namespace Backend.Cli.Commands;

/// <summary><c>flows preview</c>: print a flow's web preview link.</summary>
public static class FlowsPreviewCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var flow = FlowsCommand.FlowArgument();
        var invalidate = new Option<bool>("--invalidate") { Description = "Revoke the previous link and make a new one." };
        var command = new Command("preview", "Print the flow's web preview link (valid 30 days).") { flow, invalidate };
        command.SetAction(cli, async (parse, ct) =>
        {
            await using var graph = CliRunner.OpenGraph(parse, cli);
            var id = await graph.ResolveFlowIdAsync(parse.GetValue(flow)!, ct);
            var preview = await graph.Client.GetFlowPreviewAsync(id, parse.GetValue(invalidate), ct);
            await cli.Out.WriteLineAsync($"{preview.PreviewUrl} (expires {preview.ExpiresAt ?? "-"})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
