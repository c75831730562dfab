using System.CommandLine;
using Backend.Flows.Graph;

namespace Backend.Cli.Commands;

/// <summary><c>flows create</c>: create a flow in the WABA.</summary>
public static class FlowsCreateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "Flow name, unique in the WABA.", Required = true };
        var categories = FlowsCommand.CategoryOption(required: true);
        var endpoint = FlowsCommand.EndpointOption("Data endpoint URL (https) for dynamic flows (Flow JSON 3.0 or later).");
        var flowJson = new Option<FileInfo?>("--flow-json") { Description = "Flow JSON file to upload with the creation." };
        var publish = new Option<bool>("--publish") { Description = "Publish right away (needs --flow-json without validation errors)." };
        var clone = new Option<string?>("--clone-flow-id") { Description = "Id of a flow to copy the Flow JSON from." };
        var command = new Command("create", "Create a flow in the WABA (POST /{WABA-ID}/flows) and print its id.")
        {
            name, categories, endpoint, flowJson, publish, clone,
        };
        command.SetAction(cli, async (parse, ct) =>
        {
            var json = parse.GetValue(flowJson) is { } file ? await File.ReadAllTextAsync(file.FullName, ct) : null;
            var request = new CreateFlowRequest(parse.GetValue(name)!, FlowsCommand.ToCategories(parse.GetValue(categories)!))
            {
                FlowJson = json,
                Publish = parse.GetValue(publish) ? true : null,
                CloneFlowId = parse.GetValue(clone),
                EndpointUri = parse.GetValue(endpoint),
            };
            await using var graph = CliRunner.OpenGraph(parse, cli, needWaba: true);
            var result = await graph.Client.CreateFlowAsync(request, cancellationToken: ct);
            await cli.Out.WriteLineAsync($"Created flow {result.Id} ({request.Name}).");
            return FlowsCommand.ReportValidation(cli, result.ValidationErrors);
        });
        return command;
    }
}
