using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Backend.Flows.FlowJson.Validation;
using Spectre.Console;

namespace Backend.Cli.Commands;

/// <summary>
/// <c>flows validate &lt;file&gt; [--json]</c>: checks a Flow JSON file offline against Meta's static
/// rules. Exit code 0 when there are no errors (warnings allowed), 1 with errors, 2 when the file
/// cannot be read.
/// </summary>
public static class ValidateCommand
{
    /// <summary>Exit code when the flow has no errors.</summary>
    public const int Valid = 0;

    /// <summary>Exit code when the flow has errors.</summary>
    public const int Invalid = 1;

    /// <summary>Exit code when the file cannot be read.</summary>
    public const int Unreadable = 2;

    private static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Creates the <c>validate</c> command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The Flow JSON file to check." };
        var json = new Option<bool>("--json") { Description = "Print the findings as JSON." };
        var command = new Command("validate", "Check a Flow JSON file against Meta's validation rules, offline.") { file, json };
        command.SetAction(parse => Run(
            parse.GetValue(file)!,
            parse.GetValue(json),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(FileInfo file, bool asJson, TextWriter output, TextWriter error)
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot read {file.FullName}: {e.Message}");
            return Unreadable;
        }

        var result = FlowJsonValidator.Validate(text);
        if (asJson)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                file = file.FullName,
                valid = result.IsValid,
                errors = result.Errors.Select(Describe),
                warnings = result.Warnings.Select(Describe),
            }, ReportJson));
        }
        else
        {
            Print(file, result, output);
        }
        return result.IsValid ? Valid : Invalid;
    }

    private static object Describe(FlowValidationFinding finding) => new
    {
        code = finding.Code,
        message = finding.Message,
        pointer = finding.Pointer,
        severity = finding.Severity == FindingSeverity.Error ? "error" : "warning",
    };

    /// <summary>Prints the findings, one per two lines, then the verdict (also used by <c>flows simulate</c>).</summary>
    internal static void Print(FileInfo file, FlowValidationResult result, TextWriter output)
    {
        var console = ReferenceEquals(output, Console.Out)
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
        // One finding per two lines rather than a table: pointers are long and terminals narrow.
        foreach (var finding in result.Errors.Concat(result.Warnings))
        {
            var severity = finding.Severity == FindingSeverity.Error ? "[red]error  [/]" : "[yellow]warning[/]";
            var pointer = finding.Pointer.Length == 0 ? "/" : finding.Pointer;
            console.MarkupLine($"{severity} {Markup.Escape(finding.Code)} at {Markup.Escape(pointer)}");
            output.WriteLine($"        {finding.Message}");
        }
        var verdict = result.IsValid ? "valid" : "invalid";
        output.WriteLine($"{file.Name}: {verdict}, {result.Errors.Count} error(s), {result.Warnings.Count} warning(s).");
    }
}
