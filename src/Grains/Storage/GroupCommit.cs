using Npgsql;
using NpgsqlTypes;

namespace Backend.Grains.Storage;

/// <summary>
/// Group commit of grain state writes: the writes that arrive while earlier ones are with the database share one
/// round trip (an <see cref="NpgsqlBatch"/>, one implicit transaction), so concurrent sessions' steps pay one
/// statement round, one commit and one wake-up together instead of one each.
/// </summary>
/// <remarks>
/// <para>
/// At most <see cref="StorageWriteOptions.MaxBatchesInFlight"/> batches are with the database at a time. A write
/// that finds a free slot goes at once, alone (an idle service adds no wait); the writes that arrive meanwhile queue
/// and leave together, up to <see cref="StorageWriteOptions.MaxBatchSize"/>, as soon as a slot frees. The queue is
/// drained by the slot's own task: there is no background loop to start or stop.
/// </para>
/// <para>
/// Every write still reports its own row count (the compare-and-swap on the version), so a lost race is seen by its
/// own grain only. A batch that fails fails every write in it: the transaction is rolled back and each caller gets
/// the exception, so no write is acknowledged unsaved. Within a batch the rows are written in key order, so two
/// batches never wait on each other's rows in opposite orders.
/// </para>
/// </remarks>
internal sealed class GroupCommit(NpgsqlDataSource dataSource, StorageWriteOptions options)
{
    private readonly Lock _gate = new();
    private readonly Queue<Write> _queue = new();
    private int _inFlight;
    private long _batches;
    private long _writes;

    private readonly int _maxBatchSize = options.MaxBatchSize >= 1 ? options.MaxBatchSize : throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchSize must be at least 1.");
    private readonly int _maxBatchesInFlight = options.MaxBatchesInFlight >= 1 ? options.MaxBatchesInFlight : throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchesInFlight must be at least 1.");

    /// <summary>Runs <paramref name="sql"/> with the row key's four parameters, then <paramref name="json"/> (JSON text or NULL) and, when given, <paramref name="version"/>; returns the rows it changed.</summary>
    public Task<int> ExecuteAsync(string sql, RowKey key, string? json, long? version)
    {
        var write = new Write(sql, key, json, version);
        lock (_gate)
        {
            _queue.Enqueue(write);
            if (_inFlight == _maxBatchesInFlight)
            {
                return write.Rows.Task;
            }
            _inFlight++;
        }
        _ = DrainAsync();
        return write.Rows.Task;
    }

    /// <summary>How many round trips carried how many writes (for tests).</summary>
    public (long Batches, long Writes) Counts => (Interlocked.Read(ref _batches), Interlocked.Read(ref _writes));

    private async Task DrainAsync()
    {
        while (true)
        {
            Write[] batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _inFlight--;
                    return;
                }
                batch = new Write[Math.Min(_queue.Count, _maxBatchSize)];
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = _queue.Dequeue();
                }
            }
            await RunAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(Write[] writes)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _writes, writes.Length);
        if (writes.Length > 1)
        {
            Array.Sort(writes, static (a, b) => a.Key.CompareTo(b.Key));
        }
        try
        {
            await using var batch = dataSource.CreateBatch();
            foreach (var write in writes)
            {
                batch.BatchCommands.Add(write.Command());
            }
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            for (var i = 0; i < writes.Length; i++)
            {
                writes[i].Rows.TrySetResult(batch.BatchCommands[i].RecordsAffected);
            }
        }
        catch (Exception ex)
        {
            foreach (var write in writes)
            {
                write.Rows.TrySetException(ex);
            }
        }
    }

    /// <summary>A grain state row's key: service id, grain type, grain key and state name.</summary>
    public readonly record struct RowKey(string ServiceId, string GrainType, string GrainKey, string StateName) : IComparable<RowKey>
    {
        public int CompareTo(RowKey other)
        {
            var order = string.CompareOrdinal(GrainType, other.GrainType);
            order = order != 0 ? order : string.CompareOrdinal(GrainKey, other.GrainKey);
            order = order != 0 ? order : string.CompareOrdinal(StateName, other.StateName);
            return order != 0 ? order : string.CompareOrdinal(ServiceId, other.ServiceId);
        }

        public void AddTo(NpgsqlParameterCollection parameters)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = GrainType });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = GrainKey });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = StateName });
        }
    }

    private sealed class Write(string sql, RowKey key, string? json, long? version)
    {
        // Completed by the batch's task; the grain's own continuation is scheduled by Orleans, so nothing heavy runs
        // inline on the completing thread.
        public TaskCompletionSource<int> Rows { get; } = new();

        public RowKey Key { get; } = key;

        public NpgsqlBatchCommand Command()
        {
            var command = new NpgsqlBatchCommand(sql);
            Key.AddTo(command.Parameters);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)json ?? DBNull.Value });
            if (version is { } expected)
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
            }
            return command;
        }
    }
}
