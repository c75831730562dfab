using Backend.Flows.Graph;
using Spectre.Console;

namespace Backend.Cli;

/// <summary>Prints validation findings (offline or Meta's) as one table shape.</summary>
public static class FindingsTable
{
    /// <summary>Writes Meta's validation errors.</summary>
    public static void Write(CliContext cli, IReadOnlyList<FlowValidationError> errors) =>
        Write(cli, errors.Select(e => (e.Location, e.Error, e.Message, e.Path ?? "")));

    /// <summary>Writes offline findings.</summary>
    public static void Write(CliContext cli, IReadOnlyList<PreflightFinding> findings) =>
        Write(cli, findings.Select(f => (f.Line is { } l ? f.Column is { } c ? $"{l}:{c}" : $"{l}" : "", f.IsError ? f.Code : f.Code + " (warning)", f.Message, f.Path ?? "")));

    private static void Write(CliContext cli, IEnumerable<(string Where, string Code, string Message, string Path)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Line:Col").AddColumn("Code").AddColumn("Message").AddColumn("Path");
        foreach (var (where, code, message, path) in rows)
        {
            table.AddRow(new Text(where), new Text(code), new Text(message), new Text(path));
        }

        cli.Console.Write(table);
    }
}
