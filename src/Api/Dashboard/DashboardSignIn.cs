using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Backend.Api.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Backend.Api.Dashboard;

/// <summary>
/// The dashboard's sign-in cookie: an expiry and an HMAC of it keyed by the admin token. Every Api node with the
/// same <c>Admin:Token</c> accepts it (no shared key store needed behind a load balancer), and changing the token
/// signs everybody out. HttpOnly, SameSite=Strict, Secure when the request is HTTPS, scoped to <c>/dashboard</c>;
/// the token itself never leaves the sign-in form.
/// </summary>
internal static class DashboardCookie
{
    public const string Name = "dashboard_session";
    public const string Scheme = "Dashboard";
    public const string Policy = "Dashboard";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>A cookie value valid until <paramref name="expires"/>.</summary>
    public static string Issue(string adminToken, DateTimeOffset expires)
    {
        var stamp = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{stamp}.{Sign(adminToken, stamp)}";
    }

    /// <summary>Whether <paramref name="value"/> was issued with <paramref name="adminToken"/> and has not expired.</summary>
    public static bool IsValid(string? adminToken, string? value, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(adminToken) || value is null || value.Split('.') is not [var stamp, var signature]
            || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || now.ToUnixTimeSeconds() >= expires)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(adminToken, stamp)), Encoding.ASCII.GetBytes(signature));
    }

    // Secure over HTTPS, also where TLS ends at a proxy in front (deploy/nginx.conf sets X-Forwarded-Proto). Trusting
    // the header is safe here: it can only add Secure, which keeps the cookie off plain HTTP.
    public static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps || request.Headers["X-Forwarded-Proto"].ToString().StartsWith("https", StringComparison.OrdinalIgnoreCase),
        SameSite = SameSiteMode.Strict,
        Path = "/dashboard",
        Expires = expires,
        IsEssential = true,
    };

    private static string Sign(string adminToken, string stamp)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("backend dashboard cookie|" + adminToken));
        return Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("dashboard|" + stamp)));
    }
}

/// <summary>
/// Authenticates dashboard requests by <see cref="DashboardCookie"/>. Without it, a page request is sent to the
/// sign-in page and anything else (the JSON API, Orleans' dashboard's calls) answers 401.
/// </summary>
internal sealed class DashboardSignInHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<AdminOptions> admin, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(DashboardCookie.Name, out var value))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!DashboardCookie.IsValid(admin.Value.Token, value, time.GetUtcNow()))
        {
            return Task.FromResult(AuthenticateResult.Fail("The dashboard cookie is expired or was not issued with this admin token."));
        }
        return Task.FromResult(AdminToken.Authenticated(DashboardCookie.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var wantsPage = HttpMethods.IsGet(Request.Method)
            && !Request.Path.StartsWithSegments("/dashboard/api", StringComparison.Ordinal)
            && Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);
        if (wantsPage)
        {
            // The simulator's links (printed by `flows simulate`) come back to where they pointed after the sign-in.
            Response.Redirect(Request.Path.StartsWithSegments("/dashboard/simulator", StringComparison.Ordinal)
                ? "/dashboard/signin?return=" + Uri.EscapeDataString(Request.Path + Request.QueryString)
                : "/dashboard/signin");
        }
        else
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        return Task.CompletedTask;
    }
}
