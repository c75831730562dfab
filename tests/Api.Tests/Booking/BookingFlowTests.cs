using System.Globalization;
using System.Text.Json.Nodes;
using Backend.FlowCatalog.Booking;
using Backend.Grains;
using Backend.TestSupport.Meta;
using Microsoft.Extensions.DependencyInjection;
using static Backend.FlowCatalog.Booking.BookingNames;

namespace Backend.Api.Tests.Booking;

/// <summary>
/// Every branch of the booking flow through the real endpoint: tokens issued by the admin API, requests encrypted
/// and signed as Meta does, the co-hosted silo's BookingGrains on memory storage.
/// </summary>
public sealed class BookingFlowTests : IDisposable
{
    private const string AdminToken = "test-admin-token";
    private const string Services = """[{"id":"haircut","title":"Haircut"},{"id":"colouring","title":"Colouring"},{"id":"beard_trim","title":"Beard trim"}]""";

    private static readonly IReadOnlyList<string> Slots = new BookingOptions().Slots();

    private readonly FlowsApiFactory _factory = new() { UseTestHandler = false, UseTestSink = false };
    private readonly HttpClient _http;
    private readonly ProductClient _product;

    public BookingFlowTests()
    {
        _factory.Settings["Admin:Token"] = AdminToken;
        _http = _factory.Http();
        _product = new ProductClient(_http, _factory.BusinessKey, FlowsApiFactory.AppSecret, AdminToken, Flow);
    }

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }

    // The bookable days: tomorrow (UTC) and the 29 after it.
    private static DateOnly Tomorrow => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);

    private static string Key(DateOnly day) => BookingDay.Key(day);

    private static string Readable(DateOnly day) => day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    private IGrainFactory Grains => _factory.Services.GetRequiredService<IGrainFactory>();

    private static string SlotList(IEnumerable<string> slots) =>
        new JsonArray([.. slots.Select(s => (JsonNode)new JsonObject { ["id"] = s, ["title"] = s })]).ToJsonString();

    private Task<string> IssueAsync() => _product.IssueAsync();

    private Task<(int Status, JsonObject? Answer, string Body)> StepAsync(string token, string action, string? screen = null, JsonObject? data = null) =>
        _product.StepAsync(token, action, screen, data);

    private Task<(int Status, JsonObject? Answer, string Body)> SubmitAsync(string token, string screen, string? service = null, DateOnly? day = null, string? slot = null, string? date = null)
    {
        var data = new JsonObject();
        if (service is not null)
        {
            data[Fields.Service] = service;
        }
        if ((date ?? (day is { } d ? Key(d) : null)) is { } value)
        {
            data[Fields.Date] = value;
        }
        if (slot is not null)
        {
            data[Fields.Slot] = slot;
        }
        return StepAsync(token, "data_exchange", screen, data);
    }

    private static void AssertAnswer((int Status, JsonObject? Answer, string Body) step, string screen, string data)
    {
        Assert.True(step.Status == 200, $"status {step.Status}: {step.Body}");
        var expected = JsonNode.Parse($$"""{"screen":"{{screen}}","data":{{data}}}""");
        Assert.True(JsonNode.DeepEquals(expected, step.Answer), $"expected {expected!.ToJsonString()}\nactual   {step.Answer!.ToJsonString()}");
    }

    private static string DateData(string unavailable = "[]") =>
        $$"""{"service":"haircut","min_date":"{{Key(Tomorrow)}}","max_date":"{{Key(Tomorrow.AddDays(29))}}","unavailable_dates":{{unavailable}}}""";

    private static string SlotData(DateOnly day, IEnumerable<string> free, string? error = null) =>
        $$"""{"service":"haircut","date":"{{Key(day)}}","slots":{{SlotList(free)}},"summary":"Haircut on {{Readable(day)}}"{{(error is null ? "" : $",\"error_message\":\"{error}\"")}}}""";

    private static string Success(string token, string service, DateOnly day, string slot) => new JsonObject
    {
        ["extension_message_response"] = new JsonObject
        {
            ["params"] = new JsonObject { ["flow_token"] = token, [Fields.Service] = service, [Fields.Date] = Key(day), [Fields.Slot] = slot },
        },
    }.ToJsonString();

    private async Task FillAsync(DateOnly day)
    {
        var grain = Grains.GetBookingDay(day);
        foreach (var slot in Slots)
        {
            Assert.Equal(ReservationOutcome.Reserved, await grain.Reserve(new SlotReservation(slot, "haircut", $"other-{slot}")));
        }
    }

    [Fact]
    public async Task InitShowsTheServices()
    {
        var token = await IssueAsync();

        AssertAnswer(await StepAsync(token, "INIT"), Screens.Service, $$"""{"services":{{Services}}}""");
    }

    [Fact]
    public async Task SubmittingNoServiceOrAnUnknownOneAsksForAService()
    {
        var token = await IssueAsync();

        var error = $$"""{"services":{{Services}},"error_message":"{{BookingFlow.ChooseServiceMessage}}"}""";
        AssertAnswer(await SubmitAsync(token, Screens.Service), Screens.Service, error);
        AssertAnswer(await SubmitAsync(token, Screens.Service, service: "massage"), Screens.Service, error);
    }

    [Fact]
    public async Task AServiceChosenShowsTheCalendarFromTomorrowWithFullyBookedDaysUnavailable()
    {
        var token = await IssueAsync();
        AssertAnswer(await SubmitAsync(token, Screens.Service, service: "haircut"), Screens.Date, DateData());

        // A day with one slot left stays available; a full day does not.
        await FillAsync(Tomorrow.AddDays(4));
        await Grains.GetBookingDay(Tomorrow.AddDays(6)).Reserve(new SlotReservation("09:00", "haircut", "other"));

        AssertAnswer(await SubmitAsync(token, Screens.Service, service: "haircut"), Screens.Date, DateData($"""["{Key(Tomorrow.AddDays(4))}"]"""));
    }

    [Fact]
    public async Task ADayChosenShowsTheTimesStillFreeThatDay()
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(2);
        await Grains.GetBookingDay(day).Reserve(new SlotReservation("09:30", "colouring", "other"));

        AssertAnswer(await SubmitAsync(token, Screens.Date, service: "haircut", day: day), Screens.Slot, SlotData(day, Slots.Where(s => s != "09:30")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(31)]
    public async Task ADayOutsideTheBookableRangeIsRefusedOnTheCalendar(int fromTomorrow)
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(fromTomorrow - 1);

        var answer = await SubmitAsync(token, Screens.Date, service: "haircut", day: day);

        var error = $"Please choose a day from {Readable(Tomorrow)} to {Readable(Tomorrow.AddDays(29))}.";
        AssertAnswer(answer, Screens.Date, DateData()[..^1] + $",\"error_message\":\"{error}\"}}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2026-02-30")]
    public async Task NoDayOrAMalformedOneIsRefusedOnTheCalendar(string date)
    {
        var token = await IssueAsync();

        var answer = await SubmitAsync(token, Screens.Date, service: "haircut", date: date);

        Assert.Equal(Screens.Date, (string)answer.Answer!["screen"]!);
        Assert.StartsWith("Please choose a day from ", (string)answer.Answer!["data"]!["error_message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADayThatFilledUpMeanwhileIsRefusedAndShownUnavailable()
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(3);
        await FillAsync(day);

        AssertAnswer(await SubmitAsync(token, Screens.Date, service: "haircut", day: day), Screens.Date,
            DateData($"""["{Key(day)}"]""")[..^1] + $",\"error_message\":\"{BookingFlow.DayFullMessage}\"}}");
    }

    [Fact]
    public async Task AFreeTimeChosenAsksToConfirm()
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(1);

        AssertAnswer(await SubmitAsync(token, Screens.Slot, service: "haircut", day: day, slot: "10:30"), Screens.Confirm,
            $$"""{"service":"haircut","date":"{{Key(day)}}","slot":"10:30","summary":"Haircut on {{Readable(day)}} at 10:30"}""");
    }

    [Theory]
    [InlineData("")]
    [InlineData("25:00")]
    [InlineData("none")]
    public async Task NoTimeOrOneNotListedAsksForATimeOfTheList(string slot)
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(1);

        AssertAnswer(await SubmitAsync(token, Screens.Slot, service: "haircut", day: day, slot: slot), Screens.Slot,
            SlotData(day, Slots, BookingFlow.ChooseSlotMessage));
    }

    [Fact]
    public async Task GoingBackToTheTimesAndChoosingOneTakenMeanwhileShowsTheFreeTimesWithAnError()
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(1);
        AssertAnswer(await SubmitAsync(token, Screens.Slot, service: "haircut", day: day, slot: "11:00"), Screens.Confirm,
            $$"""{"service":"haircut","date":"{{Key(day)}}","slot":"11:00","summary":"Haircut on {{Readable(day)}} at 11:00"}""");
        await Grains.GetBookingDay(day).Reserve(new SlotReservation("11:00", "haircut", "other"));

        // Back on SLOT (the list still shows 11:00), the same time again.
        AssertAnswer(await SubmitAsync(token, Screens.Slot, service: "haircut", day: day, slot: "11:00"), Screens.Slot,
            SlotData(day, Slots.Where(s => s != "11:00"), BookingFlow.SlotTakenMessage));
    }

    [Fact]
    public async Task ConfirmingBooksTheSlotAndClosesTheFlowAndARetryGetsTheSameAnswer()
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(7);

        var booked = await SubmitAsync(token, Screens.Confirm, service: "colouring", day: day, slot: "14:00");
        var again = await SubmitAsync(token, Screens.Confirm, service: "colouring", day: day, slot: "14:00");

        var success = Success(token, "colouring", day, "14:00");
        AssertAnswer(booked, "SUCCESS", success);
        AssertAnswer(again, "SUCCESS", success);
        var reservation = Assert.Single(await Grains.GetBookingDay(day).GetReservations());
        Assert.Equal(new SlotReservation("14:00", "colouring", FlowSessionKey.Of(token)), reservation);
        Assert.DoesNotContain(token, reservation.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlotTakenBeforeConfirmingShowsTheFreeTimesAndAnotherCanBeBookedThere()
    {
        var (first, second) = (await IssueAsync(), await IssueAsync());
        var day = Tomorrow.AddDays(8);

        AssertAnswer(await SubmitAsync(first, Screens.Confirm, service: "haircut", day: day, slot: "15:00"), "SUCCESS",
            Success(first, "haircut", day, "15:00"));
        var taken = await SubmitAsync(second, Screens.Confirm, service: "haircut", day: day, slot: "15:00");

        AssertAnswer(taken, Screens.SlotTaken, SlotData(day, Slots.Where(s => s != "15:00"), BookingFlow.SlotTakenMessage));
        // On SLOT_TAKEN: the same time again is refused again; a free one is booked.
        AssertAnswer(await SubmitAsync(second, Screens.SlotTaken, service: "haircut", day: day, slot: "15:00"), Screens.SlotTaken,
            SlotData(day, Slots.Where(s => s != "15:00"), BookingFlow.SlotTakenMessage));
        AssertAnswer(await SubmitAsync(second, Screens.SlotTaken, service: "haircut", day: day, slot: ""), Screens.SlotTaken,
            SlotData(day, Slots.Where(s => s != "15:00"), BookingFlow.ChooseSlotMessage));
        AssertAnswer(await SubmitAsync(second, Screens.SlotTaken, service: "haircut", day: day, slot: "15:30"), "SUCCESS",
            Success(second, "haircut", day, "15:30"));
        Assert.Equal(["15:00", "15:30"], (await Grains.GetBookingDay(day).GetReservations()).Select(r => r.Slot));
    }

    [Fact]
    public async Task TenUsersConfirmingTheSameSlotAtOnceGetOneBookingAndNineChoicesOfAnotherTime()
    {
        var tokens = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => IssueAsync()));
        var day = Tomorrow.AddDays(9);

        var answers = await Task.WhenAll(tokens.Select(t => SubmitAsync(t, Screens.Confirm, service: "haircut", day: day, slot: "16:00")));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Single(answers, a => (string)a.Answer!["screen"]! == "SUCCESS");
        Assert.Equal(9, answers.Count(a => (string)a.Answer!["screen"]! == Screens.SlotTaken
            && (string)a.Answer!["data"]!["error_message"]! == BookingFlow.SlotTakenMessage));
        Assert.Single(await Grains.GetBookingDay(day).GetReservations());
    }

    [Fact]
    public async Task TheLastTimeOfADayTakenMeanwhileLeavesAnOptionThatCannotBeChosen()
    {
        var token = await IssueAsync();
        var day = Tomorrow.AddDays(10);
        await FillAsync(day);

        var answer = await SubmitAsync(token, Screens.Confirm, service: "haircut", day: day, slot: "09:00");

        AssertAnswer(answer, Screens.SlotTaken,
            $$"""{"service":"haircut","date":"{{Key(day)}}","slots":[{"id":"none","title":"No times left this day","enabled":false}],"summary":"Haircut on {{Readable(day)}}","error_message":"{{BookingFlow.SlotTakenMessage}}"}""");
    }

    [Theory]
    [InlineData("SLOT", "massage", 1, "10:00")]
    [InlineData("CONFIRM", "haircut", 0, "10:00")]
    [InlineData("CONFIRM", "haircut", 1, "10:05")]
    [InlineData("SLOT_TAKEN", "haircut", 40, "10:00")]
    public async Task ValuesOnlyATamperedClientSendsEndTheSessionWithAMessage(string screen, string service, int fromTomorrow, string slot)
    {
        var token = await IssueAsync();

        var answer = await SubmitAsync(token, screen, service: service, day: Tomorrow.AddDays(fromTomorrow - 1), slot: slot);

        Assert.Equal(427, answer.Status);
        Assert.Contains(BookingFlow.UnreadableMessage, answer.Body, StringComparison.Ordinal);
        Assert.Equal(427, (await StepAsync(token, "INIT")).Status);
    }
}
