using System.CommandLine;

namespace Backend.Cli.Tests;

public sealed class HelpTests
{
    private static IEnumerable<(string[] Path, Command Command)> Walk(Command command, string[] path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var item in Walk(sub, [.. path, sub.Name]))
            {
                yield return item;
            }
        }
    }

    private static RootCommand Root() => Program.BuildRoot(new CliContext { Out = TextWriter.Null, Error = TextWriter.Null, Environment = _ => null });

    [Fact]
    public void EveryCommandOptionAndArgumentIsDescribed()
    {
        var undocumented = Walk(Root(), [])
            .SelectMany(c => new[] { (Symbol)c.Command }.Concat(c.Command.Options).Concat(c.Command.Arguments)
                .Where(s => string.IsNullOrWhiteSpace(s.Description))
                .Select(s => $"{string.Join(' ', c.Path)}: {s.Name}"))
            .ToList();

        Assert.Empty(undocumented);
    }

    [Fact]
    public async Task HelpWorksOnEveryCommandAndShowsItsDescription()
    {
        await using var cli = new CliHarness(withServer: false);
        foreach (var (path, command) in Walk(Root(), []))
        {
            var result = await cli.RunAsync([.. path, "--help"]);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains(command.Description!, result.Out);
            Assert.Contains("--graph-base-url", result.Out);
        }
    }

    [Fact]
    public void TheCommandSetIsTheDocumentedOne()
    {
        var names = Walk(Root(), []).Where(c => c.Path.Length > 0).Select(c => string.Join(' ', c.Path)).ToList();

        Assert.Equal(
            ["keys", "keys generate", "keys upload", "keys show", "create", "update", "upload", "publish", "deprecate", "delete", "get", "preview", "list", "send", "config", "config show", "validate", "simulate"],
            names);
    }
}
