using System.Text.RegularExpressions;
using Backend.Api.Tests.SignUp;
using Backend.TestSupport;
using Backend.TestSupport.Meta;
using Microsoft.Playwright;

namespace Backend.Dashboard.Tests;

/// <summary>The dashboard in a real browser, while sign-up journeys run against the product.</summary>
public sealed class DashboardPageTests(DashboardSite site) : IClassFixture<DashboardSite>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    private static async Task<long> StatAsync(IPage page, string name) =>
        long.Parse((await page.Locator($"[data-stat={name}]").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task WaitForStatAsync(IPage page, string name, long expected)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (await StatAsync(page, name) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{name} stayed at {await StatAsync(page, name)}, expected {expected}");
            await Task.Delay(200);
        }
    }

    private static async Task<long> FunnelAsync(IPage page, string screen, int column)
    {
        var cells = page.Locator($"#funnel tr[data-screen={screen}] td");
        return await cells.CountAsync() == 0 ? 0
            : long.Parse((await cells.Nth(column).InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Email(string tag) => $"{tag}-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task TheNumbersAndTheFunnelFollowTheJourneysWithoutAReload()
    {
        var page = await site.SignedInPageAsync();
        await page.SelectOptionAsync("#flow", "*");
        var before = (Issued: await StatAsync(page, "issued"), Completed: await StatAsync(page, "completed"));
        var reached = (SignUp: await FunnelAsync(page, "SIGN_UP", 1), Login: await FunnelAsync(page, "LOGIN", 1), Success: await FunnelAsync(page, "LOGIN_SUCCESS", 1));
        var loggedInBefore = await FunnelAsync(page, "LOGIN_SUCCESS", 2);
        await page.EvaluateAsync("window.__sameDocument = true");

        // 8 journeys: 1 never opened, 2 stop on LOGIN, 1 on LOGIN_SUCCESS, 4 complete.
        JourneyEnd[] ends = [JourneyEnd.Issued, JourneyEnd.SignedUp, JourneyEnd.SignedUp, JourneyEnd.LoggedIn, .. Enumerable.Repeat(JourneyEnd.Completed, 4)];
        var firstCompleted = false;
        foreach (var end in ends)
        {
            await site.Api.Client.SignUpJourneyAsync(Email("browser"), end);
            if (end == JourneyEnd.Completed && !firstCompleted)
            {
                // The page moves while journeys are still running.
                firstCompleted = true;
                await WaitForStatAsync(page, "completed", before.Completed + 1);
            }
        }

        await WaitForStatAsync(page, "issued", before.Issued + 8);
        await WaitForStatAsync(page, "completed", before.Completed + 4);
        Assert.Equal(reached.SignUp + 7, await FunnelAsync(page, "SIGN_UP", 1));
        Assert.Equal(reached.Login + 7, await FunnelAsync(page, "LOGIN", 1));
        Assert.Equal(reached.Success + 5, await FunnelAsync(page, "LOGIN_SUCCESS", 1));
        Assert.Equal(loggedInBefore + 5, await FunnelAsync(page, "LOGIN_SUCCESS", 2));
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was reloaded");

        await page.SelectOptionAsync("#flow", "sign_up");
        await page.WaitForTimeoutAsync(2500);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("dashboard.png"), FullPage = true });
        var phone = await site.SignedInPageAsync(phone: true);
        await WaitForStatAsync(phone, "completed", before.Completed + 4);
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("dashboard-phone.png"), FullPage = false });
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page is wider than a phone");
    }

    [Fact]
    public async Task ASessionsPageShowsItsScreenPathAndNoSensitiveValueIsInAnyPage()
    {
        var email = Email("secret");
        var token = await site.Api.Client.SignUpJourneyAsync(email, JourneyEnd.LoggedIn, to: "15559876543");
        var fingerprint = Backend.Grains.FlowSessionKey.Fingerprint(Backend.Grains.FlowSessionKey.Of(token));
        var page = await site.SignedInPageAsync();

        var link = page.Locator("#sessions a", new PageLocatorOptions { HasTextString = fingerprint });
        await link.WaitForAsync();
        var overviewHtml = await page.ContentAsync();
        await link.ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/sessions/[A-Za-z0-9_-]{43}$"), DashboardSite.Committed);
        await page.Locator("#path tbody tr").Nth(1).WaitForAsync();

        var screens = await page.Locator("#path tbody tr td:nth-child(4)").AllInnerTextsAsync();
        var next = await page.Locator("#path tbody tr td:nth-child(5)").AllInnerTextsAsync();
        Assert.Equal(["SIGN_UP", "LOGIN"], screens);
        Assert.Equal(["LOGIN", "LOGIN_SUCCESS"], next);
        Assert.Equal("open", await page.Locator("#s-status").InnerTextAsync());
        Assert.Equal("•••••••6543", await page.Locator("#s-recipient").InnerTextAsync());
        var sessionHtml = await page.ContentAsync();
        foreach (var html in new[] { overviewHtml, sessionHtml })
        {
            foreach (var secret in new[] { token, email, "S3cret-pass1", "15559876543", "Silva", ProductApi.AdminToken })
            {
                Assert.DoesNotContain(secret, html, StringComparison.OrdinalIgnoreCase);
            }
            Assert.DoesNotMatch(new Regex(@"[\w.+-]+@[\w-]+\.[\w.]+"), html);
        }
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/sessions/0123456789012345678901234567890123456789012")]
    [InlineData("/dashboard/orleans/")]
    public async Task WithoutSigningInAPageLeadsToTheSignIn(string path)
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(path);
        Assert.EndsWith("/dashboard/signin", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#overview, #session").CountAsync());
    }

    [Theory]
    [InlineData("/dashboard/api/overview")]
    [InlineData("/dashboard/api/sessions/0123456789012345678901234567890123456789012")]
    [InlineData("/dashboard/orleans/DashboardCounters")]
    [InlineData("/dashboard/orleans/ClusterStats")]
    [InlineData("/dashboard/orleans/Reminders")]
    public async Task WithoutSigningInTheDataIsRefused(string path)
    {
        var page = await site.NewPageAsync();
        var response = await page.APIRequest.GetAsync(path);
        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task AWrongTokenStaysOnTheSignInPage()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync("/dashboard/signin");
        await page.FillAsync("#token", "not-the-admin-token");
        await page.ClickAsync("button[type=submit]");
        await page.Locator("#failed").WaitForAsync();
        Assert.Contains("/dashboard/signin", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-admin-token", page.Url, StringComparison.Ordinal);
        Assert.Empty(await page.Context.CookiesAsync());
    }

    // docs/<name> in the repository when UPDATE_DASHBOARD_SCREENSHOT=1 (the README's picture), else the test's folder.
    private static string Screenshot(string name) =>
        Environment.GetEnvironmentVariable("UPDATE_DASHBOARD_SCREENSHOT") == "1"
            ? Path.Combine(TestData.RepoRoot, "docs", name)
            : Path.Combine(AppContext.BaseDirectory, name);
}
