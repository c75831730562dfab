using Backend.Api.Tests;
using Backend.Api.Tests.SignUp;
using Backend.Dashboard.Tests;
using Backend.TestSupport.Dashboard;
using Microsoft.Playwright;

namespace Backend.Simulator.Tests;

/// <summary>
/// The dashboard's site (the product on Postgres, Debian's chromium) with the simulator: the catalog's flows served,
/// and helpers to open the simulator signed in and to keep screenshots.
/// </summary>
public sealed class SimulatorSite : DashboardSite
{
    /// <summary>Where screenshots go: <c>tests/Simulator.Tests/bin/Release/net10.0/screenshots/</c> (beside the test assembly).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>A test flow's file in the output folder.</summary>
    public static string FlowFile(string name) => Path.Combine(AppContext.BaseDirectory, "Flows", name);

    /// <summary>The Api's base URL.</summary>
    public Uri ApiUrl => new(BaseUrl);

    protected override void Configure(FlowsApiFactory factory)
    {
        factory.Settings["FlowEndpoint:Flows:0"] = "sign_up";
        factory.Settings["FlowEndpoint:Flows:1"] = "booking";
    }

    /// <summary>A JSON client of the dashboard's routes, signed in.</summary>
    public Task<DashboardClient> SignInAsync() => DashboardClient.SignInAsync(ApiUrl, ProductApi.AdminToken);

    /// <summary>A signed-in browser page on the simulator, with <paramref name="flow"/> loaded when given.</summary>
    public async Task<IPage> SimulatorAsync(string? flow = null)
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync(flow is null ? "/dashboard/simulator" : $"/dashboard/simulator?flow={flow}");
        await page.Locator("body[data-ready=true]").WaitForAsync();
        return page;
    }

    /// <summary>
    /// Saves a screenshot of the page as <paramref name="name"/>.png in <see cref="ScreenshotDirectory"/>, the phone
    /// stretched for the shot so that the whole screen shows, not only what fits its frame.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.EvaluateAsync("() => { document.getElementById('phone').style.height = 'auto'; }");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
        await page.EvaluateAsync("() => { document.getElementById('phone').style.height = ''; }");
    }
}
