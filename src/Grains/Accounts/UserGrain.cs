using System.Security.Cryptography;
using System.Text;
using Backend.Grains.Storage;

namespace Backend.Grains.Accounts;

/// <summary>What an account knows of its person; stored only sealed (<see cref="PersonalDataProtector"/>).</summary>
/// <param name="Email">The email as given at sign-up.</param>
/// <param name="FirstName">First name.</param>
/// <param name="LastName">Last name.</param>
public sealed record PersonalData(string Email, string FirstName, string LastName);

/// <summary>
/// The stored account: no password, only its salted slow hash; the email and names only sealed
/// (<see cref="PersonalDataProtector"/>), and the email masked for display.
/// </summary>
[GenerateSerializer, Alias("user-account")]
public sealed class UserAccount
{
    /// <summary>Accounts stored before personal data was sealed kept the email here in clear; moved on activation.</summary>
    [Id(0)]
    public string? Email { get; set; }

    /// <summary>Legacy, as <see cref="Email"/>.</summary>
    [Id(1)]
    public string? FirstName { get; set; }

    /// <summary>Legacy, as <see cref="Email"/>.</summary>
    [Id(2)]
    public string? LastName { get; set; }

    [Id(3)]
    public string PasswordHash { get; set; } = "";

    [Id(4)]
    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>SHA-256 of the registering request's id (the flow token is a credential; it is not stored here).</summary>
    [Id(5)]
    public string RegistrationFingerprint { get; set; } = "";

    /// <summary>The email as it may be shown: <c>a***@example.com</c>.</summary>
    [Id(6)]
    public string MaskedEmail { get; set; } = "";

    /// <summary>The email and names, sealed under <c>Accounts:DataKey</c>; null when no key was configured.</summary>
    [Id(7)]
    public string? SealedPersonalData { get; set; }
}

/// <summary>
/// An account, keyed by <see cref="AccountKey"/> of its email. Orleans runs one activation per account in the
/// cluster and one call at a time, so "check, then create" is atomic; if two activations ever race (a cluster
/// healing from a partition), the first write is an insert only one can win, and the loser's retry sees the winner.
/// </summary>
[GrainType(GrainTypeNames.User)]
public sealed class UserGrain(
    [PersistentState("account")] IPersistentState<UserAccount> account,
    PasswordHasher hasher,
    PersonalDataProtector protector,
    TimeProvider time) : Grain, IUserGrain
{
    private readonly SavedState<UserAccount> _saved = new(account);

    /// <summary>
    /// An account stored in clear by an earlier version has its email and names sealed now, once a data key is
    /// configured (without one it is left as it is rather than lose the person's data).
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (account.RecordExists && account.State.Email is { Length: > 0 } email && protector.CanSeal)
        {
            var state = account.State;
            state.MaskedEmail = PersonalDataProtector.Mask(email);
            state.SealedPersonalData = protector.Seal(new PersonalData(email, state.FirstName ?? "", state.LastName ?? ""), this.GetPrimaryKeyString());
            (state.Email, state.FirstName, state.LastName) = (null, null, null);
            await _saved.SaveAsync(this);
        }
    }

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
        var person = new PersonalData(registration.Email.Trim(), registration.FirstName.Trim(), registration.LastName.Trim());
        account.State = new UserAccount
        {
            MaskedEmail = PersonalDataProtector.Mask(person.Email),
            SealedPersonalData = protector.Seal(person, this.GetPrimaryKeyString()),
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
        if (!account.RecordExists)
        {
            return Task.FromResult<UserProfile?>(null);
        }
        var person = protector.Open<PersonalData>(account.State.SealedPersonalData, this.GetPrimaryKeyString())
            ?? (account.State.Email is { Length: > 0 } legacy ? new PersonalData(legacy, account.State.FirstName ?? "", account.State.LastName ?? "") : null);
        return Task.FromResult<UserProfile?>(person is null
            ? new UserProfile(account.State.MaskedEmail, "", "", account.State.RegisteredAt, Sealed: false)
            : new UserProfile(person.Email, person.FirstName, person.LastName, account.State.RegisteredAt, Sealed: true));
    }

    private bool IsOwnedBy(string requestId) => CryptographicOperations.FixedTimeEquals(
        Encoding.ASCII.GetBytes(account.State.RegistrationFingerprint), Encoding.ASCII.GetBytes(Fingerprint(requestId)));

    private static string Fingerprint(string requestId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)));
}
