using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Backend.FlowCatalog.Booking;

/// <summary>Settings of the booking flow (section <c>Booking</c>): the day's slots and how far ahead one can book.</summary>
public sealed class BookingOptions : IValidatableObject
{
    public const string Section = "Booking";

    /// <summary>The start of the day's first slot (<c>HH:mm</c>).</summary>
    public TimeOnly FirstSlot { get; set; } = new(9, 0);

    /// <summary>The length of a slot, in minutes.</summary>
    [Range(5, 240)]
    public int SlotMinutes { get; set; } = 30;

    /// <summary>Slots per day (Meta's Dropdown shows at most 200 options; a day has at most 288 five-minute slots).</summary>
    [Range(1, 200)]
    public int SlotsPerDay { get; set; } = 20;

    /// <summary>How many days can be booked, from tomorrow (UTC) on.</summary>
    [Range(1, 365)]
    public int DaysAhead { get; set; } = 30;

    /// <summary>The ids of the day's slots, their start times (<c>HH:mm</c>), in order.</summary>
    public IReadOnlyList<string> Slots() =>
        [.. Enumerable.Range(0, SlotsPerDay).Select(i => FirstSlot.AddMinutes(i * SlotMinutes).ToString("HH:mm", CultureInfo.InvariantCulture))];

    /// <summary>The slots must all start on the same day.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FirstSlot.ToTimeSpan() + TimeSpan.FromMinutes((double)SlotMinutes * (SlotsPerDay - 1)) >= TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("Booking: the last slot must start before midnight.", [nameof(SlotsPerDay)]);
        }
    }
}
