using System.Collections.Frozen;
using Backend.Api.Admin;
using Backend.Grains;
using Backend.Grains.Dashboard;
using Backend.Grains.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Backend.Api.Dashboard;

/// <summary>
/// The live dashboard at <c>/dashboard</c>: a sign-in page taking the admin token, then a page (and its JSON API
/// under <c>/dashboard/api</c>) with the cluster's flow figures (<see cref="IFlowStatsGrain"/>), and Orleans' own
/// dashboard at <c>/dashboard/orleans</c>, all behind the same cookie. Scripts and styles are embedded in this
/// assembly: nothing is loaded from elsewhere.
/// </summary>
public static partial class DashboardApi
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Assets = LoadAssets("Backend.Api.Dashboard.Assets.");

    /// <summary>Registers the dashboard's sign-in scheme and policy, and marks this process as an Api node for the figures.</summary>
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EndpointNode>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, DashboardSignInHandler>(DashboardCookie.Scheme, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(DashboardCookie.Policy, policy =>
            policy.AddAuthenticationSchemes(DashboardCookie.Scheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>Maps the sign-in page, the dashboard's page and JSON API, and Orleans' dashboard (unless <c>Dashboard:Enabled</c> is false).</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var (enabled, mountsOrleans) = SiloHostingExtensions.DashboardSettings(routes.ServiceProvider.GetRequiredService<IConfiguration>());
        if (!enabled)
        {
            return routes;
        }
        var open = routes.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription();
        open.MapGet("/signin", (HttpContext http) => Page(http, "signin.html"));
        open.MapPost("/signin", SignInAsync);
        // Scripts and styles hold no data; the sign-in page needs them before there is a cookie.
        open.MapGet("/assets/{name}", (string name, HttpContext http) => Asset(http, name));

        var dashboard = routes.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().RequireAuthorization(DashboardCookie.Policy);
        dashboard.MapGet("/", (HttpContext http) => Page(http, "dashboard.html"));
        dashboard.MapGet("/sessions/{key}", (HttpContext http) => Page(http, "dashboard.html"));
        dashboard.MapPost("/signout", SignOut);
        dashboard.MapGet("/api/overview", OverviewAsync);
        dashboard.MapGet("/api/sessions/{key}", SessionAsync);
        if (mountsOrleans)
        {
            routes.MapOrleansDashboard(routePrefix: "/dashboard/orleans").RequireAuthorization(DashboardCookie.Policy);
        }
        return routes;
    }

    private static async Task<IResult> OverviewAsync(IGrainFactory grains, HttpContext http)
    {
        NoStore(http);
        return TypedResults.Ok(await grains.GetGrain<IFlowStatsGrain>(IFlowStatsGrain.Key).Overview());
    }

    private static async Task<IResult> SessionAsync(string key, IGrainFactory grains, HttpContext http)
    {
        NoStore(http);
        // A session key is a SHA-256 in base64url: anything else names no session (and activates no grain).
        if (key.Length != 43 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return TypedResults.NotFound();
        }
        var snapshot = await grains.GetFlowSessionByKey(key).Get();
        return snapshot is null ? TypedResults.NotFound() : TypedResults.Ok(DashboardSession.From(snapshot));
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IOptions<AdminOptions> admin, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(DashboardApi));
        // Login CSRF: the form is accepted only from this origin (SameSite=Strict guards the cookie afterwards).
        if (!IsSameOrigin(http.Request))
        {
            LogSignInRefused(logger, "cross-origin form");
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnTo = ReturnPath(form["return"].ToString());
        if (!AdminToken.Matches(admin.Value.Token, form["token"].ToString()))
        {
            LogSignInRefused(logger, string.IsNullOrEmpty(admin.Value.Token) ? "no Admin:Token is configured" : "wrong token");
            return TypedResults.Redirect(returnTo is null ? "/dashboard/signin?failed=1" : "/dashboard/signin?failed=1&return=" + Uri.EscapeDataString(returnTo));
        }
        var expires = time.GetUtcNow() + DashboardCookie.Lifetime;
        http.Response.Cookies.Append(DashboardCookie.Name, DashboardCookie.Issue(admin.Value.Token!, expires), DashboardCookie.Options(http.Request, expires));
        LogSignedIn(logger);
        return TypedResults.Redirect(returnTo ?? "/dashboard");
    }

    // Where the sign-in form sends the admin afterwards: a page of the simulator on this site, nothing else (no open redirect).
    private static string? ReturnPath(string value) =>
        value.StartsWith("/dashboard/simulator", StringComparison.Ordinal) && !value.Contains('\\', StringComparison.Ordinal)
            && !value.Contains("//", StringComparison.Ordinal) && Uri.IsWellFormedUriString(value, UriKind.Relative)
            ? value
            : null;

    private static IResult SignOut(HttpContext http)
    {
        if (!IsSameOrigin(http.Request))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }
        http.Response.Cookies.Delete(DashboardCookie.Name, DashboardCookie.Options(http.Request, null));
        return TypedResults.Redirect("/dashboard/signin");
    }

    // A browser says where a request comes from (Sec-Fetch-Site, else Origin); a client without either is no
    // browser, so it cannot be the victim of a cross-site form.
    private static bool IsSameOrigin(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return fetchSite is "same-origin" or "none";
        }
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    private static IResult Page(HttpContext http, string name) => Page(http, Assets[name], ContentSecurityPolicy);

    /// <summary>An embedded page, not stored, with <paramref name="policy"/> as its content security policy.</summary>
    internal static IResult Page(HttpContext http, (byte[] Bytes, string ContentType) page, string policy)
    {
        NoStore(http);
        http.Response.Headers.ContentSecurityPolicy = policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        // Not "no-referrer": with it, browsers send "Origin: null" on the sign-in form's POST.
        http.Response.Headers["Referrer-Policy"] = "same-origin";
        return TypedResults.Bytes(page.Bytes, page.ContentType);
    }

    private static IResult Asset(HttpContext http, string name) => Asset(http, Assets, name);

    /// <summary>An embedded script, style or image of <paramref name="assets"/> (pages are not served as assets), or 404.</summary>
    internal static IResult Asset(HttpContext http, FrozenDictionary<string, (byte[] Bytes, string ContentType)> assets, string name)
    {
        if (!assets.TryGetValue(name, out var asset) || name.EndsWith(".html", StringComparison.Ordinal))
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(asset.Bytes, asset.ContentType);
    }

    internal static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";

    /// <summary>The assembly's embedded resources named <paramref name="prefix"/>*, by the rest of their name, with their content type.</summary>
    internal static FrozenDictionary<string, (byte[] Bytes, string ContentType)> LoadAssets(string prefix)
    {
        var assembly = typeof(DashboardApi).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[prefix.Length..], n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var type = Path.GetExtension(n) switch
                {
                    ".html" => "text/html; charset=utf-8",
                    ".js" => "text/javascript; charset=utf-8",
                    ".css" => "text/css; charset=utf-8",
                    ".svg" => "image/svg+xml",
                    _ => "application/octet-stream",
                };
                return (copy.ToArray(), type);
            }, StringComparer.Ordinal);
    }

    [LoggerMessage(70, LogLevel.Warning, "Dashboard sign-in refused: {Reason}")]
    private static partial void LogSignInRefused(ILogger logger, string reason);

    [LoggerMessage(71, LogLevel.Information, "Dashboard: the admin signed in")]
    private static partial void LogSignedIn(ILogger logger);
}
