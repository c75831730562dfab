using Backend.Flows.FlowJson;
using static Backend.FlowCatalog.Booking.BookingNames;

namespace Backend.FlowCatalog.Booking;

/// <summary>
/// The Flow JSON of the appointment booking flow (Flow JSON 7.3, data API 4.0): SERVICE → DATE → SLOT → CONFIRM,
/// and SLOT_TAKEN when the slot went to someone else between SLOT and CONFIRM. Every screen's data comes from the
/// endpoint (<see cref="BookingFlow"/>): the services, the calendar's bounds and fully booked days, the free slots.
/// </summary>
public static class BookingFlowJson
{
    /// <summary>The document.</summary>
    public static FlowJsonDocument Document { get; } = Build();

    private static FlowJsonDocument Build()
    {
        var exampleService = new DataSourceItem("haircut", "Haircut");
        var exampleSlots = new[] { new DataSourceItem("10:30", "10:30") };

        var services = new ScreenData(Data.Services, new[] { exampleService });
        var serviceField = new RadioButtonsGroup { Name = Fields.Service, Label = "Service", DataSource = services.Ref, Required = true };
        var service = new Screen
        {
            Id = Screens.Service,
            Title = "Book an appointment",
            Data = [services],
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("What would you like to book?"),
                    new Form
                    {
                        Name = "form",
                        Children =
                        [
                            serviceField,
                            new Footer
                            {
                                Label = "Continue",
                                OnClickAction = new DataExchangeAction { Payload = new() { [Fields.Service] = serviceField.Ref } },
                            },
                        ],
                    },
                ],
            },
        };

        var dateService = new ScreenData(Fields.Service, "haircut");
        var minDate = new ScreenData(Data.MinDate, "2026-12-03");
        var maxDate = new ScreenData(Data.MaxDate, "2027-01-01");
        var unavailableDates = new ScreenData(Data.UnavailableDates, new[] { "2026-12-24" });
        var dateField = new CalendarPicker
        {
            Name = Fields.Date, Label = "Day", Mode = "single", Required = true,
            MinDate = minDate.Ref, MaxDate = maxDate.Ref, UnavailableDates = unavailableDates.Ref,
            HelperText = "Fully booked days cannot be chosen",
        };
        var date = new Screen
        {
            Id = Screens.Date,
            Title = "Day",
            Data = [dateService, minDate, maxDate, unavailableDates],
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Which day suits you?"),
                    new Form
                    {
                        Name = "form",
                        Children =
                        [
                            dateField,
                            new Footer
                            {
                                Label = "Continue",
                                OnClickAction = new DataExchangeAction
                                {
                                    Payload = new() { [Fields.Service] = dateService.Ref, [Fields.Date] = dateField.Ref },
                                },
                            },
                        ],
                    },
                ],
            },
        };

        var slot = SlotScreen(Screens.Slot, "Time", "Which time suits you?", "Continue", terminal: false, exampleSlots);

        var confirmService = new ScreenData(Fields.Service, "haircut");
        var confirmDate = new ScreenData(Fields.Date, "2026-12-03");
        var confirmSlot = new ScreenData(Fields.Slot, "10:30");
        var confirmSummary = new ScreenData(Data.Summary, "Haircut on Thu 3 Dec 2026 at 10:30");
        var confirm = new Screen
        {
            Id = Screens.Confirm,
            Title = "Confirm",
            Terminal = true,
            Data = [confirmService, confirmDate, confirmSlot, confirmSummary],
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Confirm your booking"),
                    new TextBody(confirmSummary.Ref),
                    new Footer
                    {
                        Label = "Book",
                        OnClickAction = new DataExchangeAction
                        {
                            Payload = new()
                            {
                                [Fields.Service] = confirmService.Ref,
                                [Fields.Date] = confirmDate.Ref,
                                [Fields.Slot] = confirmSlot.Ref,
                            },
                        },
                    },
                ],
            },
        };

        var slotTaken = SlotScreen(Screens.SlotTaken, "Another time", "That time was just booked", "Book", terminal: true, exampleSlots);

        return new FlowJsonDocument { Screens = [service, date, slot, confirm, slotTaken] }.WithEndpoint(
            new Dictionary<string, IReadOnlyList<string>>
            {
                [Screens.Service] = [Screens.Date],
                [Screens.Date] = [Screens.Slot],
                [Screens.Slot] = [Screens.Confirm],
                [Screens.Confirm] = [Screens.SlotTaken],
                [Screens.SlotTaken] = [],
            });
    }

    // SLOT and SLOT_TAKEN: the day's free slots in a drop-down; the footer sends service, date and slot.
    private static Screen SlotScreen(string id, string title, string heading, string footer, bool terminal, DataSourceItem[] exampleSlots)
    {
        var service = new ScreenData(Fields.Service, "haircut");
        var date = new ScreenData(Fields.Date, "2026-12-03");
        var slots = new ScreenData(Data.Slots, exampleSlots);
        var summary = new ScreenData(Data.Summary, "Haircut on Thu 3 Dec 2026");
        var slotField = new Dropdown { Name = Fields.Slot, Label = "Time", DataSource = slots.Ref, Required = true };
        return new Screen
        {
            Id = id,
            Title = title,
            Terminal = terminal ? true : null,
            Data = [service, date, slots, summary],
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading(heading),
                    new TextBody(summary.Ref),
                    new Form
                    {
                        Name = "form",
                        Children =
                        [
                            slotField,
                            new Footer
                            {
                                Label = footer,
                                OnClickAction = new DataExchangeAction
                                {
                                    Payload = new() { [Fields.Service] = service.Ref, [Fields.Date] = date.Ref, [Fields.Slot] = slotField.Ref },
                                },
                            },
                        ],
                    },
                ],
            },
        };
    }
}
