using System.ComponentModel.DataAnnotations;

namespace Backend.Grains.Storage;

/// <summary>How <see cref="PostgresGrainStorage"/> groups concurrent writes (settings <c>Cluster:StorageWrites</c>).</summary>
public sealed class StorageWriteOptions
{
    /// <summary>The most writes one round trip carries. 1 sends every write alone.</summary>
    [Range(1, 1000)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How many round trips (each on its own pooled connection) may be with the database at once. Writes arriving
    /// while all are busy wait and leave together with the next one that returns. One makes the largest batches:
    /// against two, PostgreSQL's CPU per step fell from 102 to 70 µs and the step's from 727 to 655 µs in the bench
    /// (docs/performance.md), with the same latency under load; a write arriving at an idle writer still leaves at
    /// once. Two or more keep a lane open while a batch is held up (a row locked by hand, a slow disk).
    /// </summary>
    [Range(1, 100)]
    public int MaxBatchesInFlight { get; set; } = 1;
}
