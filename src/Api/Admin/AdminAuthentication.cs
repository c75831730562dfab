using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Backend.Api.Admin;

/// <summary>
/// Admin access as an ASP.NET Core authentication scheme: <c>Authorization: Bearer &lt;Admin:Token&gt;</c>, compared in
/// constant time (<see cref="AdminToken"/>). Endpoints ask for it with <c>RequireAuthorization(</c><see cref="Policy"/><c>)</c>.
/// </summary>
public static class AdminAuthentication
{
    /// <summary>The bearer scheme's name.</summary>
    public const string Scheme = "AdminBearer";

    /// <summary>The policy of the admin API: a request authenticated by <see cref="Scheme"/>.</summary>
    public const string Policy = "Admin";

    /// <summary>Registers the scheme and the policy.</summary>
    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminBearerHandler>(Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}

/// <summary>Authenticates a request whose bearer token is <c>Admin:Token</c>; anything else is challenged with 401.</summary>
internal sealed partial class AdminBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, IOptions<AdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Bearer, StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!AdminToken.Matches(admin.Value.Token, header[Bearer.Length..]))
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer token is not the admin token."));
        }
        return Task.FromResult(AdminToken.Authenticated(AdminAuthentication.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        LogRefused(Logger, string.IsNullOrEmpty(admin.Value.Token) ? "no Admin:Token is configured" : "missing or wrong bearer token");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    [LoggerMessage(60, LogLevel.Warning, "Admin API request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
