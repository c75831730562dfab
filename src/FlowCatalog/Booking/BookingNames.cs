namespace Backend.FlowCatalog.Booking;

/// <summary>The names the booking flow's JSON and its handlers share: the flow, its screens, fields and data.</summary>
public static class BookingNames
{
    /// <summary>The flow's name: <c>POST /flows/booking</c>.</summary>
    public const string Flow = "booking";

    /// <summary>Screen ids, in the order a booking goes through them.</summary>
    public static class Screens
    {
        /// <summary>Choose a service.</summary>
        public const string Service = "SERVICE";

        /// <summary>Pick a day on the calendar (fully booked days unavailable).</summary>
        public const string Date = "DATE";

        /// <summary>Pick a free time of that day.</summary>
        public const string Slot = "SLOT";

        /// <summary>Confirm; the endpoint reserves the slot.</summary>
        public const string Confirm = "CONFIRM";

        /// <summary>The slot was booked by someone else meanwhile: pick another time of the same day and book.</summary>
        public const string SlotTaken = "SLOT_TAKEN";
    }

    /// <summary>Form fields, and the keys of the data the screens send to the endpoint.</summary>
    public static class Fields
    {
        /// <summary>The service's id.</summary>
        public const string Service = "service";

        /// <summary>The day, <c>YYYY-MM-DD</c>.</summary>
        public const string Date = "date";

        /// <summary>The slot's id, its start time <c>HH:mm</c>.</summary>
        public const string Slot = "slot";
    }

    /// <summary>Screen data the endpoint fills (besides the fields above, carried from screen to screen).</summary>
    public static class Data
    {
        /// <summary>The services, as options.</summary>
        public const string Services = "services";

        /// <summary>The first day that can be booked.</summary>
        public const string MinDate = "min_date";

        /// <summary>The last day that can be booked.</summary>
        public const string MaxDate = "max_date";

        /// <summary>The days between that are fully booked (the CalendarPicker's <c>unavailable-dates</c>).</summary>
        public const string UnavailableDates = "unavailable_dates";

        /// <summary>The free slots of the day, as options.</summary>
        public const string Slots = "slots";

        /// <summary>What is being booked, as a sentence.</summary>
        public const string Summary = "summary";
    }
}
