using System.Globalization;
using Backend.FlowCatalog.Booking;
using Backend.Grains;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Backend.Simulator.Tests;

/// <summary>
/// The product's own flows walked through in Chromium by clicking and typing, against the real endpoint over HTTP
/// (sealed and signed as Meta does by the relay), ending in a completion the dashboard shows.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class EndpointFlowTests(SimulatorSite site)
{
    [Fact]
    public async Task SignUpEveryBranchByClickingAndTypingThenCompletedOnTheDashboard()
    {
        var page = await site.SimulatorAsync("sign_up");
        var sim = new SimulatorPage(page);
        await Expect(page.Locator("#findings li.finding[data-severity=ok]")).ToHaveCountAsync(1);
        var email = $"ana-{Guid.NewGuid():N}@example.com";

        // START (navigate, no endpoint call) → LOGIN before signing up: not registered → SIGN_UP with the email kept.
        await sim.StartAsync("START");
        await Expect(sim.Exchanges).ToHaveCountAsync(0);
        await page.ClickAsync("[data-link='Click here to login']");
        await sim.ExpectScreenAsync("LOGIN");
        await sim.FillAsync("email", email);
        await sim.FillAsync("password", "whatever1");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("SIGN_UP");
        await sim.ExpectSnackbarAsync("You are not registered. Please sign up");
        await sim.ExpectLastAnswerAsync(200, "You are not registered. Please sign up");
        await Expect(page.Locator("#f-email")).ToHaveValueAsync(email);

        // SIGN_UP's refusals, each the endpoint's answer on the same screen.
        await FillSignUpAsync(sim, "ana@example", "secret123", "secret123");
        await sim.SubmitAsync();
        await sim.ExpectSnackbarAsync("Please enter a valid email address");
        await sim.ExpectScreenAsync("SIGN_UP");

        await FillSignUpAsync(sim, email, "secret123", "secret124");
        await sim.SubmitAsync();
        await sim.ExpectSnackbarAsync("Passwords do not match");

        await FillSignUpAsync(sim, email, "abcdefgh", "abcdefgh");
        await sim.SubmitAsync();
        await sim.ExpectSnackbarAsync("Password must contain at least one number");
        await sim.ExpectLastAnswerAsync(200, "Password must contain at least one number");

        // The phone's own check: too short a password never reaches the endpoint.
        await FillSignUpAsync(sim, email, "short1", "short1");
        await page.ClickAsync("#footer");
        await Expect(page.Locator("[data-error=password]")).ToContainTextAsync("At least 8 characters");
        await Expect(sim.Exchanges).ToHaveCountAsync(4);

        // Registered → LOGIN with the email filled in.
        await FillSignUpAsync(sim, email, "secret123", "secret123");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("LOGIN");
        await Expect(page.Locator("#f-email")).ToHaveValueAsync(email);
        await Expect(page.Locator("#snackbar")).ToBeHiddenAsync();

        // BACK to SIGN_UP; the same session signing up again is the same registration (idempotent): LOGIN again.
        await sim.BackAsync();
        await sim.ExpectScreenAsync("SIGN_UP");
        await FillSignUpAsync(sim, email, "secret123", "secret123");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("LOGIN");
        await Expect(page.Locator("#snackbar")).ToBeHiddenAsync();

        // A new session (another flow message) signing up with the same email: already registered → LOGIN.
        await sim.StartAsync("START");
        await Expect(sim.Exchanges).ToHaveCountAsync(0);
        await page.ClickAsync("[data-link='Click here to sign up']");
        await sim.ExpectScreenAsync("SIGN_UP");
        await FillSignUpAsync(sim, email, "secret123", "secret123");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("LOGIN");
        await sim.ExpectSnackbarAsync("You are already registered. Please login");
        await sim.ExpectLastAnswerAsync(200, "You are already registered. Please login");

        // A wrong password, then the right one.
        await sim.FillAsync("password", "wrong1234");
        await sim.SubmitAsync();
        await sim.ExpectSnackbarAsync("Incorrect password");
        await sim.ExpectScreenAsync("LOGIN");
        await sim.FillAsync("password", "secret123");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("LOGIN_SUCCESS");
        await SimulatorSite.ScreenshotAsync(page, "sign-up-login-success");

        // complete: the completion webhook, signed, to this backend; the session is completed on the dashboard.
        await page.CheckAsync("#f-stay_logged_in");
        await page.ClickAsync("#footer");
        var outcome = await sim.ExpectCompletedAsync();
        Assert.Contains("webhook answered 200", outcome, StringComparison.Ordinal);
        await Expect(page.Locator("#exchanges li[data-action=webhook] pre")).ToContainTextAsync("nfm_reply");
        await Expect(page.Locator("#exchanges li[data-action=webhook] pre")).ToContainTextAsync("stay_logged_in");
        var sessionKey = (await page.Locator("#session-link").GetAttributeAsync("href"))!.Split('/')[^1];

        await page.ClickAsync("#session-link");
        await page.WaitForURLAsync($"**/dashboard/sessions/{sessionKey}", SimulatorSite.Committed);
        await Expect(page.Locator("#s-status")).ToHaveTextAsync("completed");
        await Expect(page.Locator("#s-flow")).ToHaveTextAsync("sign_up");
        await page.GotoAsync("/dashboard");
        await Expect(page.Locator($"#sessions a[href='/dashboard/sessions/{sessionKey}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#sessions tr:has(a[href='/dashboard/sessions/{sessionKey}'])")).ToContainTextAsync("completed");
    }

    [Fact]
    public async Task BookingServiceDateSlotConfirmWithASlotTakenMeanwhileThenCompletedOnTheDashboard()
    {
        var page = await site.SimulatorAsync("booking");
        var sim = new SimulatorPage(page);

        // INIT (the first screen needs data): the endpoint's services.
        await sim.StartAsync("SERVICE");
        await sim.ExpectLastAnswerAsync(200, "Beard trim");
        await Expect(page.Locator("[data-component=RadioButtonsGroup] [data-option]")).ToHaveCountAsync(BookingFlow.Services.Count);
        await page.CheckAsync("#f-service-haircut");
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("DATE");

        // A day outside the bookable window comes back with the endpoint's error.
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(40 + Random.Shared.Next(300));
        await page.FillAsync("#f-date", BookingDay.Key(day));
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("DATE");
        await Expect(page.Locator("#snackbar")).ToBeVisibleAsync();

        // A bookable day (each run its own, the database is shared by the class): its free slots.
        day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2 + Random.Shared.Next(25));
        await page.FillAsync("#f-date", BookingDay.Key(day));
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("SLOT");
        await Expect(page.Locator("[data-component=TextBody]")).ToContainTextAsync(day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture));
        var slots = await page.Locator("#f-slot option:not([value=''])").AllInnerTextsAsync();
        Assert.True(slots.Count >= 2, string.Join(",", slots));
        await page.SelectOptionAsync("#f-slot", slots[0]);
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("CONFIRM");
        await Expect(page.Locator("[data-component=TextBody]")).ToContainTextAsync($"Haircut on {day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)} at {slots[0]}");

        // Someone else books that time meanwhile: Book → SLOT_TAKEN with the endpoint's message.
        var grains = site.Api.Factory.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal(ReservationOutcome.Reserved, await grains.GetBookingDay(day).Reserve(new SlotReservation(slots[0], "colouring", "someone-else")));
        await sim.SubmitAsync();
        await sim.ExpectScreenAsync("SLOT_TAKEN");
        await sim.ExpectSnackbarAsync(BookingFlow.SlotTakenMessage);
        await Expect(page.Locator($"#f-slot option[value='{slots[0]}']")).ToHaveCountAsync(0);

        // Another time: SUCCESS, and Meta's completion webhook with the endpoint's params.
        await page.SelectOptionAsync("#f-slot", slots[1]);
        await sim.SubmitAsync();
        await sim.ExpectLastAnswerAsync(200, "extension_message_response");
        var outcome = await sim.ExpectCompletedAsync();
        Assert.Contains("SUCCESS", outcome, StringComparison.Ordinal);
        await Expect(page.Locator("#exchanges li[data-action=webhook] pre")).ToContainTextAsync(slots[1]);
        await SimulatorSite.ScreenshotAsync(page, "booking-completed");

        await page.ClickAsync("#session-link");
        await Expect(page.Locator("#s-status")).ToHaveTextAsync("completed");
        await Expect(page.Locator("#s-flow")).ToHaveTextAsync("booking");
    }

    [Fact]
    public async Task ProtocolErrorsAreShownWithTheExchange432Then427AndPing()
    {
        var page = await site.SimulatorAsync("sign_up");
        var sim = new SimulatorPage(page);
        await page.ClickAsync("#ping");
        await Expect(page.Locator("#exchanges li.exchange[data-action=ping]")).ToHaveAttributeAsync("data-status", "200");
        await Expect(page.Locator("#exchanges li.exchange[data-action=ping] pre[data-role=response]")).ToContainTextAsync("active");

        await sim.StartAsync("START");
        await page.ClickAsync("[data-link='Click here to login']");
        await sim.ExpectScreenAsync("LOGIN");
        await sim.FillAsync("email", "nobody@example.com");
        await sim.FillAsync("password", "whatever1");

        // Signed with another app secret: the endpoint answers 432, and the page says so.
        await page.ClickAsync("summary:has-text(\"Another endpoint's keys\")");
        await page.FillAsync("#app-secret", "not-the-app-secret");
        await sim.SubmitAsync();
        await Expect(sim.Exchanges.Last).ToHaveAttributeAsync("data-status", "432");
        await Expect(sim.Exchanges.Last.Locator("[data-code=signature_rejected]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#outcome-text")).ToContainTextAsync("Something went wrong (432, signature_rejected)");
        await sim.ExpectScreenAsync("LOGIN");

        // The session invalidated meanwhile (as the admin API does): 427.
        await page.FillAsync("#app-secret", "");
        var request = await sim.Exchanges.Last.Locator("pre[data-role=request]").InnerTextAsync();
        var token = (string)System.Text.Json.Nodes.JsonNode.Parse(request)!["flow_token"]!;
        using (var invalidate = new HttpRequestMessage(HttpMethod.Post, $"/admin/sessions/{token}/invalidate"))
        {
            invalidate.Headers.Authorization = new("Bearer", Backend.Api.Tests.SignUp.ProductApi.AdminToken);
            using var response = await site.Api.Http.SendAsync(invalidate);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }
        await sim.SubmitAsync();
        await Expect(sim.Exchanges.Last).ToHaveAttributeAsync("data-status", "427");
        await Expect(sim.Exchanges.Last.Locator("[data-code=flow_token_invalid]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#outcome-text")).ToContainTextAsync("Something went wrong (427, flow_token_invalid)");
        await SimulatorSite.ScreenshotAsync(page, "protocol-errors");
    }

    private static async Task FillSignUpAsync(SimulatorPage sim, string email, string password, string confirm)
    {
        await sim.FillAsync("first_name", "Ana");
        await sim.FillAsync("last_name", "Lima");
        await sim.FillAsync("email", email);
        await sim.FillAsync("password", password);
        await sim.FillAsync("confirm_password", confirm);
    }
}
