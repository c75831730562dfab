using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Backend.Cli.Commands;

/// <summary><c>flows list</c>: list the WABA's flows.</summary>
public static class FlowsListCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var pageSize = new Option<int?>("--page-size") { Description = "Flows per Graph request (all pages are read)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per line." };
        var command = new Command("list", "List the WABA's flows with status and validation error count.") { pageSize, json };
        command.SetAction(cli, async (parse, ct) =>
        {
            await using var graph = CliRunner.OpenGraph(parse, cli, needWaba: true);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Id").AddColumn("Name").AddColumn("Status").AddColumn("Categories").AddColumn("Errors");
            var count = 0;
            await foreach (var flow in graph.Client.ListFlowsAsync(parse.GetValue(pageSize), cancellationToken: ct))
            {
                count++;
                if (parse.GetValue(json))
                {
                    await cli.Out.WriteLineAsync(JsonSerializer.Serialize(flow, CliOutputJson.Default.FlowDetails));
                    continue;
                }

                table.AddRow(new Text(flow.Id), new Text(flow.Name ?? ""), new Text(flow.Status is { } status ? CliOutputJson.Wire(status) : ""),
                    new Text(string.Join(", ", (flow.Categories ?? []).Select(CliOutputJson.Wire))), new Text((flow.ValidationErrors?.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (!parse.GetValue(json))
            {
                cli.Console.Write(table);
                await cli.Out.WriteLineAsync($"{count} flow(s).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
