using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Backend.Grains.Hosting;

/// <summary>
/// Readiness of a process of the product: its database answers (when it uses one) and the cluster answers
/// (the local silo, or the silos an Api client reaches). Liveness needs neither: a process that cannot reach
/// the database is alive, just not ready.
/// </summary>
public static class ClusterHealthChecks
{
    /// <summary>Adds the readiness checks: <c>database</c> and <c>cluster</c>.</summary>
    public static IHostApplicationBuilder AddClusterHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database")
            .AddCheck<ClusterCheck>("cluster");
        return builder;
    }

    /// <summary><c>SELECT 1</c> within 2 s on the grains' database; healthy when no database is configured.</summary>
    private sealed class DatabaseCheck(IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (services.GetService<NpgsqlDataSource>() is not { } database)
            {
                return HealthCheckResult.Healthy("no database configured");
            }
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(timeout.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"database unreachable ({ex.GetType().Name})");
            }
        }
    }

    /// <summary>The cluster lists at least one active silo within 2 s.</summary>
    private sealed class ClusterCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)") : HealthCheckResult.Unhealthy("no active silo");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"cluster unreachable ({ex.GetType().Name})");
            }
        }
    }
}
