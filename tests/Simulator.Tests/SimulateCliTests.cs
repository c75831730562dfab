extern alias cli;

using Backend.Api.Tests.SignUp;
using static Microsoft.Playwright.Assertions;
using CliContext = cli::Backend.Cli.CliContext;
using CliProgram = cli::Program;

namespace Backend.Simulator.Tests;

/// <summary>
/// <c>flows simulate &lt;file&gt;</c> against the running product: the file is validated and posted with the admin
/// token, and the printed link, opened in a browser that has not signed in yet, leads through the sign-in to that flow.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class SimulateCliTests(SimulatorSite site)
{
    [Fact]
    public async Task APostedFileOpensInTheSimulatorAfterSigningIn()
    {
        var (exit, output, error) = await RunAsync("simulate", SimulatorSite.FlowFile("static-flow.json"), "--api", site.BaseUrl, "--admin-token", ProductApi.AdminToken, "--no-open");

        Assert.True(exit == 0, error);
        Assert.Contains("static-flow.json: valid, 0 error(s), 0 warning(s).", output, StringComparison.Ordinal);
        var link = output.Trim().Split('\n')[^1].Trim();
        Assert.StartsWith($"{site.BaseUrl}/dashboard/simulator?flow=upload-", link, StringComparison.Ordinal);

        var page = await site.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync("**/dashboard/signin?return=*", SimulatorSite.Committed);
        await page.FillAsync("#token", ProductApi.AdminToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(link, SimulatorSite.Committed);
        await Expect(page.Locator("#flow-info")).ToContainTextAsync("static-flow.json");
        var sim = new SimulatorPage(page);
        await sim.StartAsync("FIRST");
    }

    [Fact]
    public async Task AWrongAdminTokenIsRefusedAfterTheLocalValidation()
    {
        var (exit, output, error) = await RunAsync("simulate", SimulatorSite.FlowFile("broken-binding-flow.json"), "--api", site.BaseUrl, "--admin-token", "wrong", "--no-open");

        Assert.Equal(2, exit);
        Assert.Contains("INVALID_SCREEN_DYNAMIC_DATA", output, StringComparison.Ordinal);
        Assert.Contains("did not accept the admin token", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext { Out = output, Error = error, Environment = _ => null };
        var exit = await CliProgram.RunAsync(args, context);
        return (exit, output.ToString(), error.ToString());
    }
}
