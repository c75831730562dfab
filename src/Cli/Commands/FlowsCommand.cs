using Backend.Flows.FlowJson;
using Backend.FlowCatalog;
using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Graph;
using Spectre.Console;

namespace Backend.Cli.Commands;

/// <summary>
/// <c>flows create|update|upload|publish|deprecate|delete|get|list</c>: flows on Meta's Graph API.
/// They sit at the top level of the tool (named <c>flows</c>), beside <c>keys</c> and <c>validate</c>.
/// </summary>
public static class FlowsCommand
{
    private const string FlowArgumentHelp = "Flow id, or flow name (looked up in the WABA).";

    /// <summary><c>flows publish</c></summary>
    public static Command Publish(CliContext cli) =>
        Lifecycle(cli, "publish", "Publish a draft flow (it must have valid Flow JSON, and endpoint flows an endpoint, app and signed key).",
            (c, id, ct) => c.PublishFlowAsync(id, ct), "Published");

    /// <summary><c>flows deprecate</c></summary>
    public static Command Deprecate(CliContext cli) =>
        Lifecycle(cli, "deprecate", "Deprecate a published flow: it can no longer be sent or opened. Irreversible.",
            (c, id, ct) => c.DeprecateFlowAsync(id, ct), "Deprecated");

    /// <summary><c>flows delete</c></summary>
    public static Command Delete(CliContext cli) =>
        Lifecycle(cli, "delete", "Delete a draft flow (published flows can only be deprecated).",
            (c, id, ct) => c.DeleteFlowAsync(id, ct), "Deleted");

    /// <summary>The <c>--category</c> option: Meta's names, case-insensitive, '-' or '_'.</summary>
    internal static Option<string[]> CategoryOption(bool required) => new Option<string[]>("--category")
    {
        Description = "Category, repeatable: " + string.Join(", ", CategoryNames.Keys) + ".",
        Required = required,
        AllowMultipleArgumentsPerToken = true,
        Validators =
        {
            r =>
            {
                foreach (var value in r.Tokens.Select(t => t.Value))
                {
                    if (!CategoryNames.ContainsKey(Normalize(value)))
                    {
                        r.AddError($"Unknown category '{value}'. Use one of: {string.Join(", ", CategoryNames.Keys)}.");
                    }
                }
            },
        },
    };

    internal static List<FlowCategory> ToCategories(string[] values) => [.. values.Select(v => CategoryNames[Normalize(v)])];

    private static readonly Dictionary<string, FlowCategory> CategoryNames = new()
    {
        ["SIGN_UP"] = FlowCategory.SignUp,
        ["SIGN_IN"] = FlowCategory.SignIn,
        ["APPOINTMENT_BOOKING"] = FlowCategory.AppointmentBooking,
        ["LEAD_GENERATION"] = FlowCategory.LeadGeneration,
        ["CONTACT_US"] = FlowCategory.ContactUs,
        ["CUSTOMER_SUPPORT"] = FlowCategory.CustomerSupport,
        ["SURVEY"] = FlowCategory.Survey,
        ["OTHER"] = FlowCategory.Other,
    };

    private static string Normalize(string category) => category.Trim().Replace('-', '_').ToUpperInvariant();

    /// <summary><c>--endpoint-uri</c>: an absolute https URL.</summary>
    internal static Option<Uri?> EndpointOption(string description) => new("--endpoint-uri")
    {
        Description = description,
        HelpName = "url",
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            {
                return uri;
            }

            r.AddError($"--endpoint-uri must be an absolute https URL (got '{text}').");
            return null;
        },
    };

    internal static Argument<string> FlowArgument() => new("flow") { Description = FlowArgumentHelp };

    /// <summary><c>flows create</c></summary>
    public static Command CreateFlow(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "Flow name, unique in the WABA.", Required = true };
        var categories = CategoryOption(required: true);
        var endpoint = EndpointOption("Data endpoint URL (https) for dynamic flows (Flow JSON 3.0 or later).");
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
            var request = new CreateFlowRequest(parse.GetValue(name)!, ToCategories(parse.GetValue(categories)!))
            {
                FlowJson = json,
                Publish = parse.GetValue(publish) ? true : null,
                CloneFlowId = parse.GetValue(clone),
                EndpointUri = parse.GetValue(endpoint),
            };
            await using var graph = CliRunner.OpenGraph(parse, cli, needWaba: true);
            var result = await graph.Client.CreateFlowAsync(request, cancellationToken: ct);
            await cli.Out.WriteLineAsync($"Created flow {result.Id} ({request.Name}).");
            return ReportValidation(cli, result.ValidationErrors);
        });
        return command;
    }

    /// <summary><c>flows update</c></summary>
    public static Command Update(CliContext cli)
    {
        var flow = FlowArgument();
        var name = new Option<string?>("--name") { Description = "New name." };
        var categories = CategoryOption(required: false);
        var endpoint = EndpointOption("New data endpoint URL (https).");
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
                Categories = parse.GetValue(categories) is { Length: > 0 } c ? ToCategories(c) : null,
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

    /// <summary><c>flows upload</c></summary>
    public static Command Upload(CliContext cli)
    {
        var file = new Argument<string>("source")
        {
            Description = "A Flow JSON file (at most 10 MB), or the name of a flow defined in C# (" + string.Join(", ", Catalog.All.Select(f => f.Name)) + ").",
        };
        var flow = new Option<string>("--flow") { Description = FlowArgumentHelp, Required = true };
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
            return ReportValidation(cli, result.ValidationErrors);
        });
        return command;
    }

    private static Command Lifecycle(CliContext cli, string verb, string description, Func<IWhatsAppGraphClient, string, CancellationToken, Task> call, string done)
    {
        var flow = FlowArgument();
        var command = new Command(verb, description) { flow };
        command.SetAction(cli, async (parse, ct) =>
        {
            await using var graph = CliRunner.OpenGraph(parse, cli);
            var id = await graph.ResolveFlowIdAsync(parse.GetValue(flow)!, ct);
            await call(graph.Client, id, ct);
            await cli.Out.WriteLineAsync($"{done} flow {id}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>flows get</c></summary>
    public static Command Get(CliContext cli)
    {
        var flow = FlowArgument();
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

            return ReportValidation(cli, details.ValidationErrors ?? []);
        });
        return command;
    }

    /// <summary><c>flows preview</c></summary>
    public static Command Preview(CliContext cli)
    {
        var flow = FlowArgument();
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

    /// <summary><c>flows list</c></summary>
    public static Command List(CliContext cli)
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

    /// <summary>Prints Meta's validation errors, if any, and returns the exit code they imply.</summary>
    internal static int ReportValidation(CliContext cli, IReadOnlyList<FlowValidationError> errors)
    {
        if (errors.Count == 0)
        {
            cli.Out.WriteLine("No validation errors.");
            return ExitCodes.Ok;
        }

        cli.Out.WriteLine($"Meta reported {errors.Count} validation error(s):");
        FindingsTable.Write(cli, errors);
        return ExitCodes.ApiOrValidationError;
    }

    /// <summary>A fresh, unpredictable flow token (128 random bits, base64url).</summary>
    internal static string NewFlowToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Parses <c>--data</c>: a non-empty JSON object.</summary>
    internal static JsonObject? ParseData(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new CliUsageException("--data must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CliUsageException("--data is not valid JSON: " + e.Message);
        }
    }
}
