using Backend.FlowCatalog.Booking;

namespace Backend.Grains.Tests.Bookings;

public sealed class BookingGrainOnMemoryTests(MemoryGrainCluster cluster) : BookingGrainTests(cluster), IClassFixture<MemoryGrainCluster>;

public sealed class BookingGrainOnPostgresTests(PostgresGrainCluster cluster) : BookingGrainTests(cluster), IClassFixture<PostgresGrainCluster>;

/// <summary>
/// A business day's bookings on a real two-silo cluster: concurrent reservations never double-book a slot, a request
/// sent again is answered the same, and the bookings outlive the activation.
/// </summary>
public abstract class BookingGrainTests(GrainCluster host)
{
    private static int _days;

    private static readonly IReadOnlyList<string> Slots = new BookingOptions().Slots();

    // A day of its own per test: the fixture's cluster is shared by the class's tests.
    private static DateOnly NewDay() => new DateOnly(2031, 1, 1).AddDays(Interlocked.Increment(ref _days));

    [Fact]
    public void TheDefaultDayHasTwentySlots() =>
        Assert.Equal(["09:00", "09:30", "10:00"], Slots.Take(3).ToArray());

    [Fact]
    public async Task TwoHundredConcurrentBookingsForTwentySlotsGiveExactlyTwentyThatOutliveTheActivation()
    {
        Assert.Equal(20, Slots.Count);
        var day = NewDay();
        var requests = Enumerable.Range(0, 200).Select(i => new SlotReservation(Slots[i % Slots.Count], "haircut", $"holder-{i}")).ToList();

        var outcomes = await Task.WhenAll(requests.Select(r => Task.Run(() => host.Grains.GetBookingDay(day).Reserve(r))));

        var winners = requests.Where((_, i) => outcomes[i] == ReservationOutcome.Reserved).ToList();
        Assert.Equal(20, winners.Count);
        Assert.Equal(Slots, winners.Select(w => w.Slot).Order(StringComparer.Ordinal));
        Assert.Equal(180, outcomes.Count(o => o == ReservationOutcome.Taken));
        var expected = winners.OrderBy(w => w.Slot, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await host.Grains.GetBookingDay(day).GetReservations());

        await DeactivateAsync(host.Grains.GetBookingDay(day));

        var grain = host.Grains.GetBookingDay(day);
        Assert.Equal(expected, await grain.GetReservations());
        Assert.Equal(Slots, (await grain.GetTakenSlots()).Order(StringComparer.Ordinal));
        // Still taken for everyone else, still the winner's when the winner's request comes again.
        Assert.Equal(ReservationOutcome.Taken, await grain.Reserve(new SlotReservation(Slots[0], "haircut", "late-comer")));
        Assert.Equal(ReservationOutcome.Reserved, await grain.Reserve(expected[0]));
        Assert.Equal(expected, await grain.GetReservations());
    }

    [Fact]
    public async Task ARequestSentAgainIsReservedAgainAndAnotherHolderIsRefused()
    {
        var grain = host.Grains.GetBookingDay(NewDay());
        var mine = new SlotReservation("10:30", "colouring", "holder-a");

        Assert.Equal(ReservationOutcome.Reserved, await grain.Reserve(mine));
        Assert.Equal(ReservationOutcome.Reserved, await grain.Reserve(mine));
        Assert.Equal(ReservationOutcome.Taken, await grain.Reserve(new SlotReservation("10:30", "haircut", "holder-b")));
        Assert.Equal(ReservationOutcome.Reserved, await grain.Reserve(new SlotReservation("11:00", "haircut", "holder-b")));

        Assert.Equal([mine, new SlotReservation("11:00", "haircut", "holder-b")], await grain.GetReservations());
    }

    [Fact]
    public async Task DaysAreSeparateGrainsKeyedByTheDate()
    {
        var day = NewDay();
        await host.Grains.GetBookingDay(day).Reserve(new SlotReservation("09:00", "haircut", "holder-a"));

        Assert.Equal("2031-02-03", BookingDay.Key(new DateOnly(2031, 2, 3)));
        Assert.Equal(BookingDay.Key(day), host.Grains.GetBookingDay(day).GetPrimaryKeyString());
        Assert.Empty(await host.Grains.GetBookingDay(day.AddDays(1000)).GetTakenSlots());
    }

    // Deactivates the grain's activation through Orleans' management grain and waits until it is gone.
    private async Task DeactivateAsync(IBookingGrain grain)
    {
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        var id = grain.GetGrainId();
        await management.DeactivateGrain(id, CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await management.GetActiveGrains(id.Type)).Contains(id))
        {
            Assert.True(DateTime.UtcNow < deadline, "The booking day's activation was not deactivated within 10 s.");
            await Task.Delay(50);
        }
    }
}
