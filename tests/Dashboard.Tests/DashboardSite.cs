using Backend.Api.Tests;
using Backend.Api.Tests.SignUp;
using Microsoft.Playwright;

namespace Backend.Dashboard.Tests;

/// <summary>
/// The product on Postgres (<see cref="ProductApi"/>, reporting every 250 ms) and a headless Debian chromium driven by
/// Playwright. The browser and the Api are closed at the end; nothing else is stopped. The simulator's tests
/// (tests/Simulator.Tests) use it too, with settings of their own (<see cref="Configure"/>).
/// </summary>
public class DashboardSite : IAsyncLifetime
{
    /// <summary>
    /// Waits for a navigation only until the new URL is committed; the caller then waits for the content it needs. A
    /// signed-in dashboard, shown and live, once kept the page's load event from being seen for 20 s under load.
    /// </summary>
    public static readonly PageWaitForURLOptions Committed = new() { WaitUntil = WaitUntilState.Commit };

    /// <summary>Where Debian installs chromium (scripts/ensure-prereqs.sh).</summary>
    public const string Chromium = "/usr/bin/chromium";

    private readonly SignUpDatabase _database = new();
    private IPlaywright? _playwright;

    public ProductApi Api { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl => Api.Http.BaseAddress!.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Api = new ProductApi(_database.ConnectionString, configure: f =>
        {
            f.Settings["Dashboard:ReportInterval"] = "00:00:00.250";
            Configure(f);
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox"],
            Timeout = 60_000,
        });
    }

    /// <summary>Settings over the dashboard's, before the Api starts.</summary>
    protected virtual void Configure(FlowsApiFactory factory)
    {
    }

    /// <summary>A fresh browser context (no cookie) with a laptop's or a phone's viewport.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1366, Height = 900 },
            IsMobile = phone,
            DeviceScaleFactor = 1,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>A page signed in through the sign-in form, showing the dashboard.</summary>
    public async Task<IPage> SignedInPageAsync(bool phone = false)
    {
        var page = await NewPageAsync(phone);
        await page.GotoAsync("/dashboard");
        await page.WaitForURLAsync("**/dashboard/signin", Committed);
        await page.FillAsync("#token", ProductApi.AdminToken);
        await page.ClickAsync("button[type=submit]");
        try
        {
            await page.WaitForURLAsync("**/dashboard", Committed);
        }
        catch (TimeoutException e)
        {
            // Say where the sign-in ended instead of only that it timed out.
            var body = await page.Locator("body").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 2_000 });
            throw new TimeoutException($"The sign-in did not reach /dashboard: the page is {page.Url}, showing: {body[..Math.Min(body.Length, 300)]}", e);
        }
        await page.Locator("#live").Filter(new LocatorFilterOptions { HasTextString = "live" }).WaitForAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        Api?.Dispose();
        await _database.DisposeAsync();
    }
}
