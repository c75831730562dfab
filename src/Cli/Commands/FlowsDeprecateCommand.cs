using System.CommandLine;

namespace Backend.Cli.Commands;

/// <summary><c>flows deprecate</c>: deprecate a published flow.</summary>
public static class FlowsDeprecateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli) =>
        FlowsCommand.Lifecycle(cli, "deprecate", "Deprecate a published flow: it can no longer be sent or opened. Irreversible.",
            (c, id, ct) => c.DeprecateFlowAsync(id, ct), "Deprecated");
}
