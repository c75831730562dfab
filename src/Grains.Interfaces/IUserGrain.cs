using Backend.Runtime;

namespace Backend.Grains;

/// <summary>
/// One account, keyed by the normalized email (<see cref="EmailAddress.Normalize"/>). Passwords are kept only as
/// salted slow hashes.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account. A second registration of the same email is refused (<see cref="RegistrationOutcome.AlreadyRegistered"/>),
    /// except the same request sent again (same <see cref="Registration.RequestId"/>), which succeeds again unchanged.
    /// </summary>
    Task<RegistrationResult> Register(Registration registration);

    /// <summary>Whether an account exists for this email.</summary>
    Task<bool> Exists();

    /// <summary>Checks a password (constant time); false when there is no account.</summary>
    Task<bool> VerifyPassword(string password);

    /// <summary>The account's profile, or <see langword="null"/> when there is none.</summary>
    Task<UserProfile?> GetProfile();
}

/// <summary>A sign-up. <paramref name="RequestId"/> identifies the attempt (the flow token) for idempotency.</summary>
public sealed record Registration(string FirstName, string LastName, string Email, string Password, string RequestId)
{
    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"Registration {{ Email = {Email}, RequestId = {RequestId} }}";
}

/// <summary>How a registration ended.</summary>
public enum RegistrationOutcome
{
    /// <summary>The account exists now (created by this request, or by this same request earlier).</summary>
    Created,

    /// <summary>Another registration owns this email.</summary>
    AlreadyRegistered,
}

/// <summary>The result of <see cref="IUserGrain.Register"/>.</summary>
public sealed record RegistrationResult(RegistrationOutcome Outcome);

/// <summary>What the account shows of itself.</summary>
public sealed record UserProfile(string Email, string FirstName, string LastName, DateTimeOffset RegisteredAt);

/// <summary>Email addresses as account keys.</summary>
public static class EmailAddress
{
    /// <summary>Trimmed and lower-cased (invariant): the key of <see cref="IUserGrain"/>.</summary>
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
