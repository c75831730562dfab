using Backend.TestSupport;

namespace Backend.Cli.Tests;

/// <summary>
/// <c>flows simulate</c> without an Api: the link for a catalog flow, the refusals, and a file's local validation.
/// Posting a file to a running Api is tested with the product in tests/Simulator.Tests (SimulateCliTests).
/// </summary>
public sealed class SimulateCommandTests
{
    [Fact]
    public async Task ACatalogFlowPrintsTheSimulatorLinkWithTheEndpoint()
    {
        await using var cli = new CliHarness(withServer: false);
        cli.Environment["FLOWS_API_URL"] = "http://127.0.0.1:5999";

        var result = await cli.RunAsync("simulate", "booking", "--endpoint", "http://localhost:7000/flows/booking");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("http://127.0.0.1:5999/dashboard/simulator?flow=booking&endpoint=http%3A%2F%2Flocalhost%3A7000%2Fflows%2Fbooking", result.Out.Trim());
        // No PATH in the harness: nothing to open the link with, and that is not an error.
        Assert.Contains("xdg-open not found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDefaultApiIsTheLocalOneAndNoOpenOnlyPrints()
    {
        await using var cli = new CliHarness(withServer: false);

        var result = await cli.RunAsync("simulate", "sign_up", "--no-open");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("http://127.0.0.1:5080/dashboard/simulator?flow=sign_up", result.Out.Trim());
        Assert.Equal("", result.Error);
    }

    [Theory]
    [InlineData("http://example.com/flows/x")]
    [InlineData("http://192.168.1.10/flows/x")]
    [InlineData("file:///etc/passwd")]
    public async Task AnEndpointOffThisMachineIsAUsageError(string endpoint)
    {
        await using var cli = new CliHarness(withServer: false);

        var result = await cli.RunAsync("simulate", "sign_up", "--endpoint", endpoint, "--no-open");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("on this machine", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task NeitherAFileNorACatalogFlowIsAUsageError()
    {
        await using var cli = new CliHarness(withServer: false);

        var result = await cli.RunAsync("simulate", "no_such_flow", "--no-open");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("neither a file nor a catalog flow (sign_up, booking)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileIsValidatedFirstAndNeedsTheAdminTokenToBePosted()
    {
        await using var cli = new CliHarness(withServer: false);
        var file = TestData.Path("golden", "sign-up-flow.json");

        var result = await cli.RunAsync("simulate", file, "--no-open");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("INVALID_ROUTING_MODEL", result.Out, StringComparison.Ordinal);
        Assert.Contains("sign-up-flow.json: invalid, 1 error(s), 1 warning(s).", result.Out, StringComparison.Ordinal);
        Assert.Contains("FLOWS_ADMIN_TOKEN", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileForAnApiThatIsNotRunningSaysHowToStartIt()
    {
        await using var cli = new CliHarness(withServer: false);
        cli.Environment["FLOWS_ADMIN_TOKEN"] = "token";
        var port = LoopbackPorts.Free();

        var result = await cli.RunAsync("simulate", TestData.Path("golden", "sign-up-flow.json"), "--api", $"http://127.0.0.1:{port}", "--no-open");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Cannot reach the Api at http://127.0.0.1:{port}", result.Error, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/Api", result.Error, StringComparison.Ordinal);
    }
}
