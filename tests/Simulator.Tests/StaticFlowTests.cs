using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backend.Simulator.Tests;

/// <summary>
/// Flow JSON files a developer gives the simulator (uploaded through the page's file input): a static flow that
/// navigates with payloads, a flow with every component the builder knows (a screenshot per screen), and a flow with
/// a broken binding, whose finding is shown.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class StaticFlowTests(SimulatorSite site)
{
    [Fact]
    public async Task AStaticFlowNavigatesWithItsPayloadsAndCompletesWithoutAnEndpoint()
    {
        var sim = await UploadAsync("static-flow.json");
        var page = sim.Page;
        await Expect(page.Locator("#findings li.finding[data-severity=ok]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#endpoint")).ToHaveValueAsync("");

        await sim.StartAsync("FIRST");
        await Expect(page.Locator("#footer")).ToBeDisabledAsync();
        await sim.FillAsync("name", "Ana");
        await page.CheckAsync("#f-colour-blue");
        await page.ClickAsync("#footer");

        // navigate: the payload is SECOND's data.
        await sim.ExpectScreenAsync("SECOND");
        await Expect(page.Locator("[data-component=TextSubheading]")).ToHaveTextAsync("Hello Ana");
        await Expect(page.Locator("[data-component=TextBody]")).ToHaveTextAsync("blue");

        // BACK keeps what the user typed; a changed answer travels again.
        await sim.BackAsync();
        await sim.ExpectScreenAsync("FIRST");
        await Expect(page.Locator("#f-name")).ToHaveValueAsync("Ana");
        await Expect(page.Locator("#f-colour-blue")).ToBeCheckedAsync();
        await page.CheckAsync("#f-colour-red");
        await page.ClickAsync("#footer");
        await sim.ExpectScreenAsync("SECOND");
        await Expect(page.Locator("[data-component=TextBody]")).ToHaveTextAsync("red");

        await page.ClickAsync("#footer");
        var outcome = await sim.ExpectCompletedAsync();
        Assert.Contains("\"name\":\"Ana\"", outcome, StringComparison.Ordinal);
        Assert.Contains("\"colour\":\"red\"", outcome, StringComparison.Ordinal);
        // Nothing went to any endpoint.
        await Expect(sim.Exchanges).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task EveryComponentRendersWithAScreenshotPerScreen()
    {
        var sim = await UploadAsync("every-component-flow.json");
        var page = sim.Page;
        await Expect(page.Locator("#findings li.finding[data-severity=error]")).ToHaveCountAsync(0);

        await sim.StartAsync("TEXTS");
        foreach (var type in new[] { "TextHeading", "TextSubheading", "TextBody", "TextCaption", "Image", "ImageCarousel", "EmbeddedLink", "Footer" })
        {
            await Expect(page.Locator($"[data-component={type}]")).ToHaveCountAsync(1);
        }
        await Expect(page.Locator("[data-component=TextBody] b")).ToHaveTextAsync("bold");
        await Expect(page.Locator("[data-component=Image] img")).ToHaveAttributeAsync("alt", "A red square");
        Assert.True(await page.Locator("[data-component=Image] img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 8"));
        await Expect(page.Locator("[data-component=ImageCarousel] img")).ToHaveAttributeAsync("alt", "Red");
        await page.ClickAsync("[data-carousel=next]");
        await Expect(page.Locator("[data-component=ImageCarousel] img")).ToHaveAttributeAsync("alt", "Blue");
        await page.ClickAsync("[data-link='Open the terms']");
        await Expect(page.Locator("#opened-url")).ToHaveTextAsync("https://example.com/terms");
        await SimulatorSite.ScreenshotAsync(page, "every-component-1-TEXTS");
        await page.ClickAsync("#footer");

        // RichText shares its screen with a Footer only (Meta's rule).
        await sim.ExpectScreenAsync("RICH");
        await Expect(page.Locator("[data-component=RichText] h1")).ToHaveTextAsync("Rich title");
        await Expect(page.Locator("[data-component=RichText] i")).ToHaveTextAsync("text");
        await Expect(page.Locator("[data-component=RichText] li")).ToHaveTextAsync("a list item");
        await SimulatorSite.ScreenshotAsync(page, "every-component-2-RICH");
        await page.ClickAsync("#footer");

        await sim.ExpectScreenAsync("INPUTS");
        foreach (var type in new[] { "TextInput", "TextArea", "Dropdown", "RadioButtonsGroup", "CheckboxGroup", "ChipsSelector", "DatePicker", "CalendarPicker" })
        {
            await Expect(page.Locator($"[data-component={type}]")).ToHaveCountAsync(1);
        }
        // init-values and error-messages of the Form.
        await Expect(page.Locator("#f-nickname")).ToHaveValueAsync("Ana");
        await Expect(page.Locator("[data-error=notes]")).ToHaveTextAsync("Notes are checked by the endpoint");
        await Expect(page.Locator("[data-component=TextInput] .helper")).ToHaveTextAsync("What we call you");
        await Expect(page.Locator("#footer")).ToBeDisabledAsync();
        await page.FillAsync("#f-notes", "Ring twice");
        await page.SelectOptionAsync("#f-size", "l");
        await page.CheckAsync("#f-colour-blue");
        await page.CheckAsync("#f-extras-gift");
        await page.ClickAsync("[data-component=ChipsSelector] [data-option=sale]");
        await Expect(page.Locator("[data-component=ChipsSelector] [data-option=sale]")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.FillAsync("#f-day", "2026-12-24");
        // An unavailable day of the CalendarPicker is refused.
        await page.FillAsync("#f-when", "2026-12-25");
        await Expect(page.Locator("[data-error=when]")).ToContainTextAsync("cannot be chosen");
        await page.FillAsync("#f-when", "2026-12-28");
        await Expect(page.Locator("#footer")).ToBeEnabledAsync();
        await SimulatorSite.ScreenshotAsync(page, "every-component-3-INPUTS");
        await page.ClickAsync("#footer");

        await sim.ExpectScreenAsync("CHOICES");
        await Expect(page.Locator("[data-component=OptIn]")).ToHaveCountAsync(1);
        // If: else until the opt-in is checked; Switch: the case of the colour passed from INPUTS.
        await Expect(page.Locator(".screen")).ToContainTextAsync("Please agree");
        await Expect(page.Locator(".screen")).ToContainTextAsync("You chose blue");
        await Expect(page.Locator(".screen")).Not.ToContainTextAsync("You chose red");
        // update_data: the opt-in's select and unselect actions change the screen's data, and what is bound to it.
        await Expect(page.Locator("[data-component=TextCaption]")).ToHaveTextAsync("Not agreed yet");
        await page.CheckAsync("#f-agree");
        await Expect(page.Locator("[data-component=TextCaption]")).ToHaveTextAsync("Agreed on this screen");
        await Expect(page.Locator(".screen")).ToContainTextAsync("Thanks for agreeing");
        await Expect(page.Locator(".screen")).Not.ToContainTextAsync("Please agree");
        await page.UncheckAsync("#f-agree");
        await Expect(page.Locator("[data-component=TextCaption]")).ToHaveTextAsync("Not agreed any more");
        await Expect(page.Locator(".screen")).ToContainTextAsync("Please agree");
        await page.CheckAsync("#f-agree");
        await page.ClickAsync("[data-component=OptIn] [data-action=read-more]");
        await Expect(page.Locator("#opened-url")).ToHaveTextAsync("https://example.com/privacy");
        await SimulatorSite.ScreenshotAsync(page, "every-component-4-CHOICES");
        await page.ClickAsync("#footer");

        await sim.ExpectScreenAsync("MENU");
        await Expect(page.Locator("[data-component=NavigationList] [data-item]")).ToHaveCountAsync(2);
        await SimulatorSite.ScreenshotAsync(page, "every-component-5-MENU");
        await page.ClickAsync("[data-item=pickers]");

        await sim.ExpectScreenAsync("PICKERS");
        await Expect(page.Locator("[data-component=PhotoPicker]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-component=DocumentPicker]")).ToHaveCountAsync(1);
        await page.SetInputFilesAsync("#f-photos", new FilePayload { Name = "cat.png", MimeType = "image/png", Buffer = Convert.FromBase64String(TinyPng) });
        await page.SetInputFilesAsync("#f-documents", new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
        await Expect(page.Locator("[data-component=DocumentPicker] li")).ToHaveTextAsync("notes.txt (5 bytes)");
        // Uploaded as Meta uploads a picked file: encrypted, at a CDN-like address of the simulator's.
        await Expect(page.Locator("[data-component=PhotoPicker] li")).ToHaveAttributeAsync("data-cdn-url", new System.Text.RegularExpressions.Regex("/dashboard/simulator/media/[0-9a-f]{32}$"));
        await SimulatorSite.ScreenshotAsync(page, "every-component-6-PICKERS");
        await page.ClickAsync("#footer");
        var outcome = await sim.ExpectCompletedAsync();
        Assert.Contains("\"file_name\":\"cat.png\"", outcome, StringComparison.Ordinal);
        // SHA-256 of "hello", base64.
        Assert.Contains("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", outcome, StringComparison.Ordinal);

        foreach (var screen in new[] { "1-TEXTS", "2-RICH", "3-INPUTS", "4-CHOICES", "5-MENU", "6-PICKERS" })
        {
            Assert.True(new FileInfo(Path.Combine(SimulatorSite.ScreenshotDirectory, $"every-component-{screen}.png")).Length > 1000);
        }
    }

    [Fact]
    public async Task ABrokenBindingShowsTheValidatorFinding()
    {
        var sim = await UploadAsync("broken-binding-flow.json");
        var finding = sim.Page.Locator("#findings li.finding[data-severity=error]");
        await Expect(finding).ToHaveCountAsync(1);
        await Expect(finding).ToContainTextAsync("surname");
        await Expect(finding).ToContainTextAsync("/screens/1/layout/children/1");
        await Expect(sim.Page.Locator("#findings-count")).ToContainTextAsync("1 errors");
        await SimulatorSite.ScreenshotAsync(sim.Page, "broken-binding-findings");
    }

    [Fact]
    public async Task AFlowFileRunsAgainstAnotherEndpointOnThisMachineWithItsKey()
    {
        // Another endpoint, with a key of its own: it opens what the simulator sealed to that key and answers.
        await using var other = await RecordingEndpoint.AnsweringAsync(clear =>
        {
            var request = System.Text.Json.Nodes.JsonNode.Parse(clear)!;
            var name = (string?)request["data"]?["name"];
            return (string?)request["action"] == "INIT" ? """{"screen":"ASK","data":{"greeting":"Hello from the other endpoint"}}"""
                : (string?)request["action"] == "BACK" ? """{"screen":"ASK","data":{"greeting":"Welcome back"}}"""
                : name == "nowhere" ? """{"screen":"NOWHERE","data":{}}"""
                : new System.Text.Json.Nodes.JsonObject { ["screen"] = "DONE", ["data"] = new System.Text.Json.Nodes.JsonObject { ["summary"] = $"Thanks, {name}" } }.ToJsonString();
        });
        var sim = await UploadAsync("external-endpoint-flow.json");
        var page = sim.Page;
        await page.FillAsync("#endpoint", other.Url + "flow");
        await page.ClickAsync("summary:has-text(\"Another endpoint's keys\")");
        await page.FillAsync("#public-key", other.PublicKeyPem);

        // INIT, since the first screen declares data: the other endpoint's answer on screen.
        await sim.StartAsync("ASK");
        await Expect(page.Locator("#session-info")).ToHaveTextAsync("minted token (not issued)");
        await Expect(page.Locator("[data-component=TextHeading]")).ToHaveTextAsync("Hello from the other endpoint");

        // An answer naming a screen the Flow JSON does not have: the finding, and the phone stays.
        await sim.FillAsync("name", "nowhere");
        await sim.SubmitAsync();
        await Expect(sim.Exchanges.Last.Locator("[data-code=unknown_screen]")).ToContainTextAsync("NOWHERE");
        await Expect(page.Locator("#outcome-text")).ToContainTextAsync("unknown_screen");
        await sim.ExpectScreenAsync("ASK");

        await sim.FillAsync("name", "Ana");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("DONE");
        await Expect(page.Locator("[data-component=TextBody]")).ToHaveTextAsync("Thanks, Ana");

        // BACK on a screen with refresh_on_back asks the endpoint (action BACK) for the screen to show.
        await sim.BackAsync();
        await Expect(sim.Exchanges.Last).ToHaveAttributeAsync("data-action", "BACK");
        await sim.ExpectScreenAsync("ASK");
        await Expect(page.Locator("[data-component=TextHeading]")).ToHaveTextAsync("Welcome back");
        await sim.FillAsync("name", "Ana");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("DONE");
        await page.ClickAsync("#footer");
        var outcome = await sim.ExpectCompletedAsync();
        Assert.Contains("no completion webhook", outcome, StringComparison.Ordinal);
        Assert.Contains("\"summary\":\"Thanks, Ana\"", outcome, StringComparison.Ordinal);
        Assert.Equal(5, other.Requests.Count);
    }

    private const string TinyPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private async Task<SimulatorPage> UploadAsync(string file)
    {
        var page = await site.SimulatorAsync();
        await page.SetInputFilesAsync("#flow-file", SimulatorSite.FlowFile(file));
        await page.WaitForURLAsync("**/dashboard/simulator?flow=upload-*", SimulatorSite.Committed);
        await Expect(page.Locator("#flow-info")).ToContainTextAsync(file);
        return new SimulatorPage(page);
    }
}
