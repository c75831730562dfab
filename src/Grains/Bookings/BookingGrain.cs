using Backend.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Backend.Grains.Bookings;

/// <summary>The stored appointments of one day: by slot, the service and the holder (a hash, never a flow token).</summary>
[GenerateSerializer, Alias("booking-day-state")]
public sealed class BookingDayState
{
    /// <summary>The reservations, by slot id.</summary>
    [Id(0)]
    public Dictionary<string, BookedSlot> Slots { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One reserved slot.</summary>
[GenerateSerializer, Alias("booked-slot")]
public sealed class BookedSlot
{
    /// <summary>The service booked.</summary>
    [Id(0)]
    public string Service { get; set; } = "";

    /// <summary>Who holds the slot (<see cref="SlotReservation.Holder"/>).</summary>
    [Id(1)]
    public string Holder { get; set; } = "";

    /// <summary>When it was reserved.</summary>
    [Id(2)]
    public DateTimeOffset ReservedAt { get; set; }
}

/// <summary>
/// The appointments of one business day (<see cref="IBookingGrain"/>). One call at a time, so checking a slot and
/// taking it cannot interleave with another request; the reservation is saved before the answer, and a failed save
/// takes it back and drops the activation (<see cref="SavedState{T}"/>), so no caller is ever told "reserved" for a
/// slot the database does not hold.
/// </summary>
[GrainType(GrainTypeNames.BookingDay)]
public sealed partial class BookingGrain(
    [PersistentState("bookings")] IPersistentState<BookingDayState> day,
    TimeProvider time,
    ILogger<BookingGrain> logger) : Grain, IBookingGrain
{
    private readonly SavedState<BookingDayState> _saved = new(day);

    public async Task<ReservationOutcome> Reserve(SlotReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        _saved.ThrowIfStale();
        if (day.State.Slots.TryGetValue(reservation.Slot, out var booked))
        {
            return booked.Holder == reservation.Holder ? ReservationOutcome.Reserved : ReservationOutcome.Taken;
        }
        day.State.Slots[reservation.Slot] = new BookedSlot { Service = reservation.Service, Holder = reservation.Holder, ReservedAt = time.GetUtcNow() };
        try
        {
            await _saved.SaveAsync(this);
        }
        catch
        {
            // Not saved: not reserved (the activation is being dropped; the next call re-reads the database).
            day.State.Slots.Remove(reservation.Slot);
            throw;
        }
        LogReserved(logger, this.GetPrimaryKeyString(), reservation.Slot);
        return ReservationOutcome.Reserved;
    }

    public Task<IReadOnlyCollection<string>> GetTakenSlots()
    {
        _saved.ThrowIfStale();
        return Task.FromResult<IReadOnlyCollection<string>>([.. day.State.Slots.Keys]);
    }

    public Task<IReadOnlyList<SlotReservation>> GetReservations()
    {
        _saved.ThrowIfStale();
        return Task.FromResult<IReadOnlyList<SlotReservation>>(
            [.. day.State.Slots.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SlotReservation(s.Key, s.Value.Service, s.Value.Holder))]);
    }

    [LoggerMessage(300, LogLevel.Information, "Booking day {Day}: slot {Slot} reserved")]
    private static partial void LogReserved(ILogger logger, string day, string slot);
}
