using System.CommandLine;
using System.Text.Json.Nodes;
using Backend.Cli.Commands;
using Backend.TestSupport;

namespace Backend.Cli.Tests;

public sealed class ValidateCommandTests
{
    private static readonly string ValidFile = Path.Combine(TestData.RepoRoot, "samples", "sign-up-flow.corrected.json");
    private static readonly string InvalidFile = TestData.Path("golden", "sign-up-flow.json");

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { ValidateCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void ValidFlowExitsZeroAndSaysValid()
    {
        var (exitCode, output, _) = Run("validate", ValidFile);

        Assert.Equal(0, exitCode);
        Assert.Contains("sign-up-flow.corrected.json: valid, 0 error(s), 1 warning(s).", output, StringComparison.Ordinal);
        Assert.Contains("UNAVAILABLE_FLOW_JSON_VERSION", output, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidFlowExitsOneAndListsTheFindingWithItsPointer()
    {
        var (exitCode, output, _) = Run("validate", InvalidFile);

        Assert.Equal(1, exitCode);
        Assert.Contains("INVALID_ROUTING_MODEL", output, StringComparison.Ordinal);
        Assert.Contains("/screens/2/layout/children/1/on-click-action", output, StringComparison.Ordinal);
        Assert.Contains("Missing direct route from screen 'LOGIN' to screen 'SIGN_UP'", output, StringComparison.Ordinal);
        Assert.Contains("sign-up-flow.json: invalid, 1 error(s), 1 warning(s).", output, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonOutputCarriesErrorsAndWarningsSeparately()
    {
        var (exitCode, output, _) = Run("validate", InvalidFile, "--json");

        Assert.Equal(1, exitCode);
        var report = JsonNode.Parse(output)!;
        Assert.False(report["valid"]!.GetValue<bool>());
        var error = Assert.Single(report["errors"]!.AsArray())!;
        Assert.Equal("INVALID_ROUTING_MODEL", error["code"]!.GetValue<string>());
        Assert.Equal("/screens/2/layout/children/1/on-click-action", error["pointer"]!.GetValue<string>());
        Assert.Equal("error", error["severity"]!.GetValue<string>());
        Assert.Equal("UNAVAILABLE_FLOW_JSON_VERSION", Assert.Single(report["warnings"]!.AsArray())!["code"]!.GetValue<string>());
    }

    [Fact]
    public void TextThatIsNotJsonIsAnErrorNotACrash()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-json-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"version\": ");
        try
        {
            var (exitCode, output, _) = Run("validate", path, "--json");

            Assert.Equal(1, exitCode);
            Assert.Equal("INVALID_FLOW_JSON", JsonNode.Parse(output)!["errors"]![0]!["code"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFileExitsTwo()
    {
        var (exitCode, output, error) = Run("validate", Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json"));

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("Cannot read", error, StringComparison.Ordinal);
    }
}
