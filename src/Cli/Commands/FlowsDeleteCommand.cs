using System.CommandLine;

namespace Backend.Cli.Commands;

/// <summary><c>flows delete</c>: delete a draft flow.</summary>
public static class FlowsDeleteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli) =>
        FlowsCommand.Lifecycle(cli, "delete", "Delete a draft flow (published flows can only be deprecated).",
            (c, id, ct) => c.DeleteFlowAsync(id, ct), "Deleted");
}
