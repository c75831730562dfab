using System.CommandLine;
using Backend.Flows.Graph;

namespace Backend.Cli.Commands;

/// <summary><c>flows update</c>: change a flow's metadata.</summary>
public static class FlowsUpdateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var flow = FlowsCommand.FlowArgument();
        var name = new Option<string?>("--name") { Description = "New name." };
        var categories = FlowsCommand.CategoryOption(required: false);
        var endpoint = FlowsCommand.EndpointOption("New data endpoint URL (https).");
        var application = new Option<string?>("--application-id") { Description = "Meta app to connect (required for endpoint flows)." };
        var command = new Command("update", "Update a flow's metadata (POST /{FLOW-ID}). A published flow goes back to draft.")
        {
            flow, name, categories, endpoint, application,
        };
        command.SetAction(cli, async (parse, ct) =>
        {
            var request = new UpdateFlowMetadataRequest
            {
                Name = parse.GetValue(name),
                Categories = parse.GetValue(categories) is { Length: > 0 } c ? FlowsCommand.ToCategories(c) : null,
                EndpointUri = parse.GetValue(endpoint),
                ApplicationId = parse.GetValue(application),
            };
            await using var graph = CliRunner.OpenGraph(parse, cli);
            var id = await graph.ResolveFlowIdAsync(parse.GetValue(flow)!, ct);
            await graph.Client.UpdateFlowMetadataAsync(id, request, ct);
            await cli.Out.WriteLineAsync($"Updated flow {id}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
