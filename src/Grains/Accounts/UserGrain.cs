using System.Security.Cryptography;
using System.Text;
using Backend.Runtime;

namespace Backend.Grains.Accounts;

/// <summary>The stored account: no password, only its salted slow hash.</summary>
public sealed class UserAccount
{
    public string Email { get; set; } = "";

    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>SHA-256 of the registering request's id (the flow token is a credential; it is not stored here).</summary>
    public string RegistrationFingerprint { get; set; } = "";
}

/// <summary>
/// An account, keyed by normalized email. Turn-based execution makes "check, then create" atomic on one node;
/// across nodes, the first write is an insert that only one writer can win, and the loser's retry sees the winner.
/// </summary>
[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("account")] IPersistentState<UserAccount> account,
    PasswordHasher hasher,
    TimeProvider time) : Grain, IUserGrain
{
    public async Task<RegistrationResult> Register(Registration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (EmailAddress.Normalize(registration.Email) != this.GetPrimaryKeyString())
        {
            throw new ArgumentException("The registration's email does not belong to this account.", nameof(registration));
        }
        var fingerprint = Fingerprint(registration.RequestId);
        if (account.RecordExists)
        {
            return new RegistrationResult(
                CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(account.State.RegistrationFingerprint), Encoding.ASCII.GetBytes(fingerprint))
                    ? RegistrationOutcome.Created
                    : RegistrationOutcome.AlreadyRegistered);
        }
        account.State = new UserAccount
        {
            Email = registration.Email.Trim(),
            FirstName = registration.FirstName.Trim(),
            LastName = registration.LastName.Trim(),
            PasswordHash = hasher.Hash(registration.Password),
            RegisteredAt = time.GetUtcNow(),
            RegistrationFingerprint = fingerprint,
        };
        await account.WriteStateAsync();
        return new RegistrationResult(RegistrationOutcome.Created);
    }

    public Task<bool> Exists() => Task.FromResult(account.RecordExists);

    public Task<bool> VerifyPassword(string password) =>
        Task.FromResult(account.RecordExists && PasswordHasher.Verify(password ?? "", account.State.PasswordHash));

    public Task<UserProfile?> GetProfile() => Task.FromResult(account.RecordExists
        ? new UserProfile(account.State.Email, account.State.FirstName, account.State.LastName, account.State.RegisteredAt)
        : null);

    private static string Fingerprint(string requestId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)));
}
