using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Backend.Cli.Commands;

/// <summary><c>flows get</c>: show one flow.</summary>
public static class FlowsGetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var flow = FlowsCommand.FlowArgument();
        var json = new Option<bool>("--json") { Description = "Print the flow as JSON." };
        var command = new Command("get", "Show a flow: status, versions, endpoint, preview link, health and validation errors.") { flow, json };
        command.SetAction(cli, async (parse, ct) =>
        {
            await using var graph = CliRunner.OpenGraph(parse, cli);
            var id = await graph.ResolveFlowIdAsync(parse.GetValue(flow)!, ct);
            var details = await graph.Client.GetFlowAsync(id, cancellationToken: ct);
            if (parse.GetValue(json))
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(details, CliOutputJson.Default.FlowDetails));
                return ExitCodes.Ok;
            }

            var grid = new Grid().AddColumn().AddColumn();
            void Row(string label, string? value) => grid.AddRow(new Text(label), new Text(value ?? "-"));
            Row("Id", details.Id);
            Row("Name", details.Name);
            Row("Status", details.Status is { } status ? CliOutputJson.Wire(status) : null);
            Row("Categories", details.Categories is null ? null : string.Join(", ", details.Categories.Select(CliOutputJson.Wire)));
            Row("Flow JSON version", details.JsonVersion);
            Row("Data API version", details.DataApiVersion);
            Row("Endpoint", details.EndpointUri);
            Row("Application", details.Application is { } app ? $"{app.Name} ({app.Id})" : null);
            Row("Can send", details.HealthStatus is { } health ? CliOutputJson.Wire(health.CanSendMessage) : null);
            Row("Preview", details.Preview?.PreviewUrl);
            cli.Console.Write(grid);
            foreach (var entity in details.HealthStatus?.Entities ?? [])
            {
                foreach (var error in entity.Errors ?? [])
                {
                    await cli.Out.WriteLineAsync($"{entity.EntityType} {entity.Id}: {error.ErrorCode} {error.ErrorDescription} {error.PossibleSolution}".TrimEnd());
                }
            }

            return FlowsCommand.ReportValidation(cli, details.ValidationErrors ?? []);
        });
        return command;
    }
}
