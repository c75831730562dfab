namespace Backend.Grains;

/// <summary>
/// The appointments of one business day, keyed by the date (<see cref="BookingDay.Key"/>, <c>YYYY-MM-DD</c>). Orleans
/// runs one activation per day in the cluster and one call at a time, so <see cref="Reserve"/> is a check-and-set:
/// a slot is given to one holder only, and the answer comes after the reservation is saved.
/// </summary>
[Alias("booking-day")]
public interface IBookingGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves <see cref="SlotReservation.Slot"/> for <see cref="SlotReservation.Holder"/>. A slot held by another
    /// holder is refused (<see cref="ReservationOutcome.Taken"/>); the same holder asking again (a request sent
    /// again) gets <see cref="ReservationOutcome.Reserved"/> again, unchanged.
    /// </summary>
    /// <exception cref="StateNotSavedException">The reservation could not be saved; nothing was reserved, retry.</exception>
    [Alias("reserve")]
    Task<ReservationOutcome> Reserve(SlotReservation reservation);

    /// <summary>The slots reserved on this day, in no particular order.</summary>
    [Alias("get-taken-slots")]
    Task<IReadOnlyCollection<string>> GetTakenSlots();

    /// <summary>The reservations of this day (slot, service, holder), ordered by slot.</summary>
    [Alias("get-reservations")]
    Task<IReadOnlyList<SlotReservation>> GetReservations();
}

/// <summary>A reservation of one slot of a day.</summary>
/// <param name="Slot">The slot's id (its start time, <c>HH:mm</c>).</param>
/// <param name="Service">The service booked.</param>
/// <param name="Holder">
/// Who holds it: an opaque id of the request (the flow's session key, a hash of the flow token, never the token).
/// </param>
[GenerateSerializer, Immutable, Alias("slot-reservation")]
public sealed record SlotReservation([property: Id(0)] string Slot, [property: Id(1)] string Service, [property: Id(2)] string Holder);

/// <summary>How a reservation ended.</summary>
[GenerateSerializer, Alias("reservation-outcome")]
public enum ReservationOutcome
{
    /// <summary>The slot is the holder's now (reserved by this request, or by this same holder earlier).</summary>
    Reserved,

    /// <summary>Another holder has the slot.</summary>
    Taken,
}

/// <summary>Business days as booking grain keys.</summary>
public static class BookingDay
{
    /// <summary>The key of <paramref name="day"/>'s grain: <c>YYYY-MM-DD</c>.</summary>
    public static string Key(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The grain of <paramref name="day"/>'s appointments.</summary>
    public static IBookingGrain GetBookingDay(this IGrainFactory grains, DateOnly day) =>
        GrainReferences.Get<IBookingGrain>(grains, GrainType, Key(day));

    private static readonly GrainType GrainType = GrainType.Create(GrainTypeNames.BookingDay);
}
