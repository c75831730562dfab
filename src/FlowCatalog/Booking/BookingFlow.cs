using System.Globalization;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Flows.FlowJson;
using Backend.Flows.Routing;
using Backend.Grains;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using static Backend.FlowCatalog.Booking.BookingNames;

namespace Backend.FlowCatalog.Booking;

/// <summary>
/// Appointment booking: choose a service, a day (fully booked days are unavailable on the calendar), a free time,
/// confirm. The day's <see cref="IBookingGrain"/> reserves the slot with a check-and-set, so two people confirming
/// the same time get one booking and one "choose another time" screen. What a user chose wrongly (no time, a day
/// outside the bookable range, a time taken meanwhile) is answered on the same screen with an error message; values
/// only a tampered client could send (an unknown service, a malformed day on a later screen) end the session (427).
/// </summary>
public sealed class BookingFlow(IGrainFactory grains, IOptions<BookingOptions> options, TimeProvider time) : FlowDefinition
{
    /// <summary>The services that can be booked.</summary>
    public static IReadOnlyList<DataSourceItem> Services { get; } =
    [
        new("haircut", "Haircut"),
        new("colouring", "Colouring"),
        new("beard_trim", "Beard trim"),
    ];

    /// <summary>The error shown when the chosen time was booked by someone else first.</summary>
    public const string SlotTakenMessage = "That time was just booked. Please choose another time.";

    /// <summary>The error shown when a time is submitted without choosing one of the listed times.</summary>
    public const string ChooseSlotMessage = "Please choose one of the times listed.";

    /// <summary>The error shown when no service was chosen.</summary>
    public const string ChooseServiceMessage = "Please choose a service.";

    /// <summary>The error shown when the chosen day is fully booked.</summary>
    public const string DayFullMessage = "That day is fully booked. Please choose another day.";

    /// <summary>The message of a request whose booking cannot be read (427).</summary>
    public const string UnreadableMessage = "This booking could not be read. Please start again.";

    private readonly BookingOptions _options = options.Value;
    private readonly IReadOnlyList<string> _slots = options.Value.Slots();

    public override string Name => Flow;

    public override FlowJsonDocument FlowJson => BookingFlowJson.Document;

    protected override void Configure(FlowRouter router) => router
        .On(FlowRequestAction.Init, null, c => c.Screen(Screens.Service, ServiceData()))
        .OnSubmit(Screens.Service, c => c.Screen(Screens.Service, ServiceData(), ChooseServiceMessage), when: c => ServiceTitle(c) is null)
        .OnSubmit(Screens.Service, c => ShowDates(c, errorMessage: null))
        .OnSubmit(Screens.Date, DateOutOfRange, when: c => Day(c) is not { } day || !Bookable(day))
        .OnSubmit(Screens.Date, ShowSlots)
        .OnSubmit(Screens.Slot, ChooseSlot)
        .OnSubmit(Screens.Confirm, Book)
        .OnSubmit(Screens.SlotTaken, Book);

    private static JsonObject ServiceData() =>
        new() { [Data.Services] = new JsonArray([.. Services.Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["title"] = s.Title })]) };

    private static string? ServiceTitle(FlowRequestContext context) =>
        Services.FirstOrDefault(s => s.Id == context.Text(Fields.Service))?.Title;

    private static DateOnly? Day(FlowRequestContext context) =>
        DateOnly.TryParseExact(context.Text(Fields.Date), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    // Tomorrow (UTC) and the DaysAhead - 1 days after it.
    private (DateOnly First, DateOnly Last) Window()
    {
        var first = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
        return (first, first.AddDays(_options.DaysAhead - 1));
    }

    private bool Bookable(DateOnly day) => Window() is var (first, last) && day >= first && day <= last;

    private async ValueTask<FlowResponse> ShowDates(FlowRequestContext context, string? errorMessage)
    {
        var (first, last) = Window();
        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays).ToList();
        var taken = await Task.WhenAll(days.Select(d => grains.GetBookingDay(d).GetTakenSlots()));
        var full = days.Where((_, i) => FreeSlots(taken[i]).Count == 0).Select(BookingDay.Key);
        return await context.Screen(Screens.Date, new JsonObject
        {
            [Fields.Service] = context.Text(Fields.Service),
            [Data.MinDate] = BookingDay.Key(first),
            [Data.MaxDate] = BookingDay.Key(last),
            [Data.UnavailableDates] = new JsonArray([.. full.Select(d => (JsonNode)d)]),
        }, errorMessage);
    }

    private ValueTask<FlowResponse> DateOutOfRange(FlowRequestContext context)
    {
        var (first, last) = Window();
        return ShowDates(context, $"Please choose a day from {Readable(first)} to {Readable(last)}.");
    }

    private async ValueTask<FlowResponse> ShowSlots(FlowRequestContext context)
    {
        var (serviceTitle, day) = Booking(context);
        var free = await FreeSlots(day);
        if (free.Count == 0)
        {
            return await ShowDates(context, DayFullMessage);
        }
        return await SlotScreen(context, Screens.Slot, serviceTitle, day, free, errorMessage: null);
    }

    private async ValueTask<FlowResponse> ChooseSlot(FlowRequestContext context)
    {
        var (serviceTitle, day) = Booking(context);
        var slot = context.Text(Fields.Slot);
        var free = await FreeSlots(day);
        if (!free.Contains(slot))
        {
            return await SlotScreen(context, Screens.Slot, serviceTitle, day, free, _slots.Contains(slot) ? SlotTakenMessage : ChooseSlotMessage);
        }
        return await context.Screen(Screens.Confirm, new JsonObject
        {
            [Fields.Service] = context.Text(Fields.Service),
            [Fields.Date] = BookingDay.Key(day),
            [Fields.Slot] = slot,
            [Data.Summary] = $"{serviceTitle} on {Readable(day)} at {slot}",
        });
    }

    private async ValueTask<FlowResponse> Book(FlowRequestContext context)
    {
        var (serviceTitle, day) = Booking(context);
        var slot = context.Text(Fields.Slot);
        if (!_slots.Contains(slot))
        {
            if (context.Request.Screen == Screens.Confirm)
            {
                // CONFIRM sends back the slot the endpoint gave it: anything else is not a user's mistake.
                throw FlowRequestContext.Invalidate(UnreadableMessage);
            }
            return await SlotScreen(context, Screens.SlotTaken, serviceTitle, day, await FreeSlots(day), ChooseSlotMessage);
        }
        var reservation = new SlotReservation(slot, context.Text(Fields.Service), FlowSessionKey.Of(context.FlowToken));
        var outcome = await RetryOnce(() => grains.GetBookingDay(day).Reserve(reservation));
        if (outcome == ReservationOutcome.Taken)
        {
            return await SlotScreen(context, Screens.SlotTaken, serviceTitle, day, await FreeSlots(day), SlotTakenMessage);
        }
        return await context.Close(new JsonObject
        {
            [Fields.Service] = reservation.Service,
            [Fields.Date] = BookingDay.Key(day),
            [Fields.Slot] = slot,
        });
    }

    // The service and day of a request past DATE: both were served by the endpoint, so a bad one is not the user's.
    private (string ServiceTitle, DateOnly Day) Booking(FlowRequestContext context) =>
        ServiceTitle(context) is { } title && Day(context) is { } day && Bookable(day)
            ? (title, day)
            : throw FlowRequestContext.Invalidate(UnreadableMessage);

    private ValueTask<FlowResponse> SlotScreen(
        FlowRequestContext context, string screen, string serviceTitle, DateOnly day, IReadOnlyList<string> free, string? errorMessage) =>
        context.Screen(screen, new JsonObject
        {
            [Fields.Service] = context.Text(Fields.Service),
            [Fields.Date] = BookingDay.Key(day),
            // A drop-down needs an option: a day that filled up meanwhile shows one that cannot be chosen.
            [Data.Slots] = free.Count > 0
                ? new JsonArray([.. free.Select(s => (JsonNode)new JsonObject { ["id"] = s, ["title"] = s })])
                : new JsonArray(new JsonObject { ["id"] = "none", ["title"] = "No times left this day", ["enabled"] = false }),
            [Data.Summary] = $"{serviceTitle} on {Readable(day)}",
        }, errorMessage);

    private async Task<IReadOnlyList<string>> FreeSlots(DateOnly day) => FreeSlots(await grains.GetBookingDay(day).GetTakenSlots());

    private List<string> FreeSlots(IReadOnlyCollection<string> taken) => [.. _slots.Where(s => !taken.Contains(s))];

    private static string Readable(DateOnly day) => day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    // Another activation wrote the day first (a cluster healing from a partition): the retry re-reads it.
    private static async Task<T> RetryOnce<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InconsistentStateException)
        {
            return await call();
        }
    }
}
