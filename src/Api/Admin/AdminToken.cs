using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;

namespace Backend.Api.Admin;

/// <summary>The admin's token (<c>Admin:Token</c>), checked in constant time by the admin API and the dashboard's sign-in.</summary>
public static class AdminToken
{
    /// <summary>
    /// Whether <paramref name="presented"/> is the configured token. Hashing both first makes the comparison's time
    /// independent of where they differ and of their lengths. No configured token matches nothing.
    /// </summary>
    public static bool Matches(string? expected, string? presented) =>
        !string.IsNullOrEmpty(expected) && presented is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    /// <summary>The result of a request proven to come from the admin, under authentication scheme <paramref name="scheme"/>.</summary>
    public static AuthenticateResult Authenticated(string scheme)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), scheme));
    }
}
