using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backend.Simulator.Tests;

/// <summary>What the tests do on the simulator's page: click, type, and wait for the phone and the exchanges.</summary>
public sealed class SimulatorPage(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>The phone frame; <c>data-screen</c> is the screen shown.</summary>
    public ILocator Phone => Page.Locator("#phone");

    /// <summary>The endpoint exchanges logged so far (not the completion webhook).</summary>
    public ILocator Exchanges => Page.Locator("#exchanges li.exchange:not([data-action=webhook])");

    /// <summary>Starts a session and waits for <paramref name="screen"/>.</summary>
    public async Task StartAsync(string screen)
    {
        await Page.ClickAsync("#start");
        await ExpectScreenAsync(screen);
    }

    /// <summary>Waits until the phone shows <paramref name="screen"/> and no exchange is in flight.</summary>
    public async Task ExpectScreenAsync(string screen)
    {
        await Expect(Phone).ToHaveAttributeAsync("data-screen", screen);
        await Expect(Page.Locator("#phone:not([data-busy=true])")).ToHaveCountAsync(1);
    }

    /// <summary>Clicks the footer and waits for the exchange it makes to be logged.</summary>
    public async Task SubmitAsync()
    {
        var before = await Exchanges.CountAsync();
        await Page.ClickAsync("#footer");
        await Expect(Exchanges).ToHaveCountAsync(before + 1);
        await Expect(Page.Locator("#phone:not([data-busy=true])")).ToHaveCountAsync(1);
    }

    /// <summary>Types into the text field named <paramref name="name"/> (what it held is replaced).</summary>
    public Task FillAsync(string name, string value) => Page.FillAsync($"#f-{name}", value);

    /// <summary>The snackbar shows <paramref name="message"/>.</summary>
    public Task ExpectSnackbarAsync(string message) => Expect(Page.Locator("#snackbar")).ToHaveTextAsync(message);

    /// <summary>The last exchange's clear response contains <paramref name="text"/>, with <paramref name="status"/>.</summary>
    public async Task ExpectLastAnswerAsync(int status, string text)
    {
        var last = Exchanges.Last;
        await Expect(last).ToHaveAttributeAsync("data-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(last.Locator("pre[data-role=response]")).ToContainTextAsync(text);
    }

    /// <summary>Clicks BACK.</summary>
    public Task BackAsync() => Page.ClickAsync("#back");

    /// <summary>Waits for the flow's completion and returns the outcome's text.</summary>
    public async Task<string> ExpectCompletedAsync()
    {
        await Expect(Phone).ToHaveAttributeAsync("data-completed", "true");
        return await Page.Locator("#outcome").InnerTextAsync();
    }
}
