namespace Backend.Grains;

/// <summary>
/// The record of one idempotency key (e.g. the <c>Idempotency-Key</c> header of <c>POST /admin/flows/{name}/send</c>):
/// which request first used it and, once it ran, its result. Orleans keeps one activation per key in the cluster and
/// runs one call at a time, so two Api nodes receiving the same key at once cannot both run the command. Keyed by
/// <see cref="IdempotencyKey.Of"/> (the command's scope and the client's key).
/// </summary>
[Alias("idempotent-command")]
public interface IIdempotentCommandGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for a request with fingerprint <paramref name="requestFingerprint"/> (a hash of what the request
    /// asks for). A completed record younger than <paramref name="window"/> is returned instead of a claim; a claim
    /// whose command has not reported back after <paramref name="lease"/> is taken to have died and can be claimed again.
    /// </summary>
    /// <exception cref="StateNotSavedException">The claim could not be saved: nothing may run, retry.</exception>
    [Alias("claim")]
    Task<IdempotencyClaim> Claim(string requestFingerprint, TimeSpan window, TimeSpan lease);

    /// <summary>Records the result of the claimed command; later claims with the same fingerprint get it back.</summary>
    /// <exception cref="StateNotSavedException">The result could not be saved.</exception>
    [Alias("complete")]
    Task Complete(string requestFingerprint, string resultJson);

    /// <summary>Drops the claim of a command that did nothing (refused before it acted), so the key can be used again.</summary>
    [Alias("release")]
    Task Release(string requestFingerprint);
}

/// <summary>What a claim found.</summary>
[GenerateSerializer, Alias("idempotency-claim-status")]
public enum IdempotencyClaimStatus
{
    /// <summary>The key is this request's now: run the command, then complete or release it.</summary>
    Claimed,

    /// <summary>The same request is running elsewhere; nothing may run (answer 409, the client retries later).</summary>
    InProgress,

    /// <summary>The same request already ran: <see cref="IdempotencyClaim.ResultJson"/> is its result.</summary>
    Completed,

    /// <summary>The key was used with a different request (answer 422).</summary>
    Conflict,
}

/// <summary>The result of <see cref="IIdempotentCommandGrain.Claim"/>.</summary>
[GenerateSerializer, Immutable, Alias("idempotency-claim")]
public sealed record IdempotencyClaim([property: Id(0)] IdempotencyClaimStatus Status, [property: Id(1)] string? ResultJson = null);

/// <summary>The grain key of an idempotency key.</summary>
public static class IdempotencyKey
{
    /// <summary>The longest key a client may send.</summary>
    public const int MaxLength = 255;

    /// <summary>Whether <paramref name="key"/> is usable: 1 to <see cref="MaxLength"/> visible ASCII characters.</summary>
    public static bool IsValid(string? key) => key is { Length: > 0 and <= MaxLength } && key.All(c => c is > ' ' and <= '~');

    /// <summary>The grain key of <paramref name="key"/> within <paramref name="scope"/> (one command, e.g. <c>admin-send</c>).</summary>
    public static string Of(string scope, string key) => $"{scope}/{key}";

    /// <summary>The record grain of <paramref name="key"/> within <paramref name="scope"/>.</summary>
    public static IIdempotentCommandGrain GetIdempotentCommand(this IGrainFactory grains, string scope, string key) =>
        GrainReferences.Get<IIdempotentCommandGrain>(grains, GrainType, Of(scope, key));

    private static readonly GrainType GrainType = GrainType.Create(GrainTypeNames.IdempotentCommand);
}
