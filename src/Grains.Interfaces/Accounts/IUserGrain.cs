using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Backend.Grains;

/// <summary>
/// One account, keyed by <see cref="AccountKey.Of"/> of the email (a hash: Orleans prints grain ids in its logs and
/// storage rows, and emails stay out of both). Passwords are kept only as salted slow hashes.
/// </summary>
[Alias("user")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account. A second registration of the same email is refused (<see cref="RegistrationOutcome.AlreadyRegistered"/>),
    /// except the same request sent again (same <see cref="Registration.RequestId"/>), which succeeds again unchanged.
    /// </summary>
    /// <exception cref="StateNotSavedException">The account could not be saved; nothing was created, retry.</exception>
    [Alias("register")]
    Task<RegistrationResult> Register(Registration registration);

    /// <summary>Whether an account exists for this email.</summary>
    [Alias("exists")]
    Task<bool> Exists();

    /// <summary>
    /// Whether another registration than <paramref name="requestId"/>'s owns this email: a sign-up sent again
    /// (Meta's retry of a request whose answer was lost) is not "already registered".
    /// </summary>
    [Alias("is-taken-by-another")]
    Task<bool> IsTakenByAnother(string requestId);

    /// <summary>Checks a password (constant time); false when there is no account.</summary>
    [Alias("verify-password")]
    Task<bool> VerifyPassword(string password);

    /// <summary>The account's profile, or <see langword="null"/> when there is none.</summary>
    [Alias("get-profile")]
    Task<UserProfile?> GetProfile();
}

/// <summary>A sign-up. <paramref name="RequestId"/> identifies the attempt (the flow token) for idempotency.</summary>
[GenerateSerializer, Immutable, Alias("registration")]
public sealed record Registration(
    [property: Id(0)] string FirstName,
    [property: Id(1)] string LastName,
    [property: Id(2)] string Email,
    [property: Id(3)] string Password,
    [property: Id(4)] string RequestId)
{
    /// <summary>Never prints the password, the email or the request id (a flow token).</summary>
    public override string ToString() => "Registration { (redacted) }";
}

/// <summary>How a registration ended.</summary>
[GenerateSerializer, Alias("registration-outcome")]
public enum RegistrationOutcome
{
    /// <summary>The account exists now (created by this request, or by this same request earlier).</summary>
    Created,

    /// <summary>Another registration owns this email.</summary>
    AlreadyRegistered,
}

/// <summary>The result of <see cref="IUserGrain.Register"/>.</summary>
[GenerateSerializer, Immutable, Alias("registration-result")]
public sealed record RegistrationResult([property: Id(0)] RegistrationOutcome Outcome);

/// <summary>
/// What the account shows of itself. With <c>Accounts:DataKey</c> configured (<paramref name="Sealed"/>), the email
/// and names as given; without, the masked email only and empty names.
/// </summary>
[GenerateSerializer, Immutable, Alias("user-profile")]
public sealed record UserProfile(
    [property: Id(0)] string Email, [property: Id(1)] string FirstName, [property: Id(2)] string LastName, [property: Id(3)] DateTimeOffset RegisteredAt,
    [property: Id(4)] bool Sealed)
{
    /// <summary>Never prints the email or the names.</summary>
    public override string ToString() => $"UserProfile {{ RegisteredAt = {RegisteredAt:O}, Sealed = {Sealed} }}";
}

/// <summary>Email addresses as account keys.</summary>
public static class EmailAddress
{
    /// <summary>Trimmed and lower-cased (invariant): what <see cref="AccountKey.Of"/> hashes.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>A plausible address: one '@' with text on both sides and a dot in the domain, no spaces, at most 254 characters.</summary>
    public static bool IsPlausible(string email)
    {
        var trimmed = email.Trim();
        var at = trimmed.IndexOf('@');
        return trimmed.Length is > 2 and <= 254
            && at > 0 && at == trimmed.LastIndexOf('@') && at < trimmed.Length - 1
            && trimmed.IndexOf('.', at) > at + 1 && !trimmed.EndsWith('.')
            && !trimmed.Any(char.IsWhiteSpace);
    }
}

/// <summary>
/// The grain key of an account: SHA-256 of <c>"account:" + normalized email</c>, base64url. A pseudonym, not a
/// secret (anyone holding an email can compute it), so that logs, the Orleans dashboard and storage keys never
/// carry an address.
/// </summary>
public static class AccountKey
{
    /// <summary>The account key of <paramref name="email"/> (normalized first).</summary>
    public static string Of(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("account:" + EmailAddress.Normalize(email)), hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>The account grain of <paramref name="email"/>.</summary>
    public static IUserGrain GetUser(this IGrainFactory grains, string email) => GrainReferences.Get<IUserGrain>(grains, GrainType, Of(email));

    private static readonly GrainType GrainType = GrainType.Create(GrainTypeNames.User);
}
