using System.CommandLine;
using Backend.FlowCatalog;
using Backend.Flows.FlowJson;
using Backend.Flows.Graph;
using Spectre.Console;

namespace Backend.Cli.Commands;

/// <summary><c>flows upload</c>: check a Flow JSON (a file or a flow defined in C#) offline, then upload it.</summary>
public static class FlowsUploadCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("source")
        {
            Description = "A Flow JSON file (at most 10 MB), or the name of a flow defined in C# (" + string.Join(", ", Catalog.All.Select(f => f.Name)) + ").",
        };
        var flow = new Option<string>("--flow") { Description = FlowsCommand.FlowArgumentHelp, Required = true };
        var skip = new Option<bool>("--skip-preflight") { Description = "Upload without the offline check (Meta still validates)." };
        var command = new Command("upload", "Check a Flow JSON file (or a C# flow's JSON) offline, upload it as the flow's flow.json asset, and show Meta's validation errors.")
        {
            file, flow, skip,
        };
        command.SetAction(cli, async (parse, ct) =>
        {
            var source = parse.GetValue(file)!;
            FlowJsonContent content;
            string path;
            if (!File.Exists(source) && Catalog.Find(source) is { } definition)
            {
                path = $"{definition.Name}.json";
                content = FlowJsonContent.FromString(FlowJsonSerializer.Serialize(definition.FlowJson));
            }
            else
            {
                path = Path.GetFullPath(source);
                content = await FlowJsonContent.FromFileAsync(path, ct);
            }
            if (!parse.GetValue(skip))
            {
                var findings = cli.Preflight.Check(content);
                if (findings.Count > 0)
                {
                    await cli.Out.WriteLineAsync($"Offline check of {Path.GetFileName(path)}: {findings.Count} finding(s).");
                    FindingsTable.Write(cli, findings);
                    if (findings.Any(f => f.IsError))
                    {
                        await cli.Error.WriteLineAsync("error: not uploaded; fix the errors or pass --skip-preflight.");
                        return ExitCodes.ApiOrValidationError;
                    }
                }
            }

            await using var graph = CliRunner.OpenGraph(parse, cli);
            var id = await graph.ResolveFlowIdAsync(parse.GetValue(flow)!, ct);
            var result = cli.Interactive
                ? await cli.Console.Status().StartAsync($"Uploading {Path.GetFileName(path)}…", _ => graph.Client.UploadFlowJsonAsync(id, content, ct))
                : await graph.Client.UploadFlowJsonAsync(id, content, ct);
            await cli.Out.WriteLineAsync($"Uploaded {Path.GetFileName(path)} ({content.Utf8.Length} bytes) to flow {id}.");
            return FlowsCommand.ReportValidation(cli, result.ValidationErrors);
        });
        return command;
    }
}
