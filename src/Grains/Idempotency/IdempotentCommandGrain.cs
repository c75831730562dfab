using Backend.Grains.Storage;

namespace Backend.Grains.Idempotency;

/// <summary>What an idempotency key's grain persists.</summary>
[GenerateSerializer, Alias("idempotent-command-state")]
public sealed class IdempotentCommandState
{
    /// <summary>The fingerprint of the request that claimed the key.</summary>
    [Id(0)]
    public string RequestFingerprint { get; set; } = "";

    /// <summary>When the key was claimed.</summary>
    [Id(1)]
    public DateTimeOffset ClaimedAt { get; set; }

    /// <summary>The command's result; <see langword="null"/> while it runs.</summary>
    [Id(2)]
    public string? ResultJson { get; set; }

    /// <summary>When the result was recorded.</summary>
    [Id(3)]
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>
/// One idempotency key's record (<see cref="IIdempotentCommandGrain"/>), in the default grain storage so it outlives
/// the activation and, with PostgreSQL, the process. An answer is given only after the record it reflects is saved
/// (<see cref="SavedState{T}"/>).
/// </summary>
[GrainType(GrainTypeNames.IdempotentCommand)]
public sealed class IdempotentCommandGrain(
    [PersistentState("command")] IPersistentState<IdempotentCommandState> command,
    TimeProvider time) : Grain, IIdempotentCommandGrain
{
    private readonly SavedState<IdempotentCommandState> _saved = new(command);

    private IdempotentCommandState State => command.State;

    public async Task<IdempotencyClaim> Claim(string requestFingerprint, TimeSpan window, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestFingerprint);
        _saved.ThrowIfStale();
        var now = time.GetUtcNow();
        if (command.RecordExists && State.RequestFingerprint.Length > 0)
        {
            var live = State.CompletedAt is { } completed ? now - completed < window : now - State.ClaimedAt < lease;
            if (live)
            {
                return State.RequestFingerprint != requestFingerprint ? new IdempotencyClaim(IdempotencyClaimStatus.Conflict)
                    : State.ResultJson is { } result ? new IdempotencyClaim(IdempotencyClaimStatus.Completed, result)
                    : new IdempotencyClaim(IdempotencyClaimStatus.InProgress);
            }
        }
        command.State = new IdempotentCommandState { RequestFingerprint = requestFingerprint, ClaimedAt = now };
        await _saved.SaveAsync(this);
        return new IdempotencyClaim(IdempotencyClaimStatus.Claimed);
    }

    public async Task Complete(string requestFingerprint, string resultJson)
    {
        _saved.ThrowIfStale();
        if (State.RequestFingerprint != requestFingerprint || State.ResultJson is not null)
        {
            return;
        }
        State.ResultJson = resultJson;
        State.CompletedAt = time.GetUtcNow();
        await _saved.SaveAsync(this);
    }

    public async Task Release(string requestFingerprint)
    {
        _saved.ThrowIfStale();
        if (State.RequestFingerprint != requestFingerprint || State.ResultJson is not null)
        {
            return;
        }
        command.State = new IdempotentCommandState();
        await _saved.SaveAsync(this);
    }
}
