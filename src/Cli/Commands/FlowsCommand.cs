using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Graph;

namespace Backend.Cli.Commands;

/// <summary>
/// What the flow commands share (their options, the flow argument, how Meta's validation errors are reported).
/// The commands themselves (<c>create</c>, <c>update</c>, <c>upload</c>, <c>publish</c>, <c>deprecate</c>,
/// <c>delete</c>, <c>get</c>, <c>preview</c>, <c>list</c>, <c>send</c>: flows on Meta's Graph API) are one per file,
/// <c>Flows*Command.cs</c>; they sit at the top level of the tool (named <c>flows</c>), beside <c>keys</c> and <c>validate</c>.
/// </summary>
public static class FlowsCommand
{
    internal const string FlowArgumentHelp = "Flow id, or flow name (looked up in the WABA).";

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

    internal static Command Lifecycle(CliContext cli, string verb, string description, Func<IWhatsAppGraphClient, string, CancellationToken, Task> call, string done)
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
