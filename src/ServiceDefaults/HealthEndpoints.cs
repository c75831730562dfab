using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Backend.ServiceDefaults;

/// <summary>The health endpoints every process serves, for load balancers and orchestrators.</summary>
public static class HealthEndpoints
{
    /// <summary>Alive: the process answers. Runs no check, so a process that cannot reach its database stays alive.</summary>
    public const string Liveness = "/healthz";

    /// <summary>Ready: every registered health check passes; 503 otherwise.</summary>
    public const string Readiness = "/readyz";

    /// <summary>Maps <see cref="Liveness"/> and <see cref="Readiness"/>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks(Liveness, new() { Predicate = _ => false });
        routes.MapHealthChecks(Readiness);
        return routes;
    }

    /// <summary>Whether <paramref name="path"/> is one of the health endpoints.</summary>
    public static bool Serves(PathString path) => path.StartsWithSegments(Liveness) || path.StartsWithSegments(Readiness);
}
