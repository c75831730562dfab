using System.Security.Cryptography;
using System.Text;
using Backend.Grains.Storage;

namespace Backend.Grains.Accounts;

/// <summary>The stored account: no password, only its salted slow hash.</summary>
[GenerateSerializer, Alias("user-account")]
public sealed class UserAccount
{
    [Id(0)]
    public string Email { get; set; } = "";

    [Id(1)]
    public string FirstName { get; set; } = "";

    [Id(2)]
    public string LastName { get; set; } = "";

    [Id(3)]
    public string PasswordHash { get; set; } = "";

    [Id(4)]
    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>SHA-256 of the registering request's id (the flow token is a credential; it is not stored here).</summary>
    [Id(5)]
    public string RegistrationFingerprint { get; set; } = "";
}

/// <summary>
/// An account, keyed by <see cref="AccountKey"/> of its email. Orleans runs one activation per account in the
/// cluster and one call at a time, so "check, then create" is atomic; if two activations ever race (a cluster
/// healing from a partition), the first write is an insert only one can win, and the loser's retry sees the winner.
/// </summary>
[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("account")] IPersistentState<UserAccount> account,
    PasswordHasher hasher,
    TimeProvider time) : Grain, IUserGrain
{
    private readonly SavedState<UserAccount> _saved = new(account);

    public async Task<RegistrationResult> Register(Registration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _saved.ThrowIfStale();
        if (AccountKey.Of(registration.Email) != this.GetPrimaryKeyString())
        {
            throw new ArgumentException("The registration's email does not belong to this account.", nameof(registration));
        }
        if (account.RecordExists)
        {
            return new RegistrationResult(IsOwnedBy(registration.RequestId) ? RegistrationOutcome.Created : RegistrationOutcome.AlreadyRegistered);
        }
        account.State = new UserAccount
        {
            Email = registration.Email.Trim(),
            FirstName = registration.FirstName.Trim(),
            LastName = registration.LastName.Trim(),
            PasswordHash = hasher.Hash(registration.Password),
            RegisteredAt = time.GetUtcNow(),
            RegistrationFingerprint = Fingerprint(registration.RequestId),
        };
        await _saved.SaveAsync(this);
        return new RegistrationResult(RegistrationOutcome.Created);
    }

    public Task<bool> Exists()
    {
        _saved.ThrowIfStale();
        return Task.FromResult(account.RecordExists);
    }

    public Task<bool> IsTakenByAnother(string requestId)
    {
        _saved.ThrowIfStale();
        return Task.FromResult(account.RecordExists && !IsOwnedBy(requestId));
    }

    public Task<bool> VerifyPassword(string password)
    {
        _saved.ThrowIfStale();
        return Task.FromResult(account.RecordExists && PasswordHasher.Verify(password ?? "", account.State.PasswordHash));
    }

    public Task<UserProfile?> GetProfile()
    {
        _saved.ThrowIfStale();
        return Task.FromResult(account.RecordExists
            ? new UserProfile(account.State.Email, account.State.FirstName, account.State.LastName, account.State.RegisteredAt)
            : null);
    }

    private bool IsOwnedBy(string requestId) => CryptographicOperations.FixedTimeEquals(
        Encoding.ASCII.GetBytes(account.State.RegistrationFingerprint), Encoding.ASCII.GetBytes(Fingerprint(requestId)));

    private static string Fingerprint(string requestId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)));
}
