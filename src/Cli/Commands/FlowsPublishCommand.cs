using System.CommandLine;

namespace Backend.Cli.Commands;

/// <summary><c>flows publish</c>: publish a draft flow.</summary>
public static class FlowsPublishCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli) =>
        FlowsCommand.Lifecycle(cli, "publish", "Publish a draft flow (it must have valid Flow JSON, and endpoint flows an endpoint, app and signed key).",
            (c, id, ct) => c.PublishFlowAsync(id, ct), "Published");
}
