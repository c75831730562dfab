using Backend.Grains.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Messaging;

namespace Backend.Grains.Hosting;

/// <summary>Connects a host to the cluster as an Orleans client (an Api node that hosts no grains).</summary>
public static class ClientHostingExtensions
{
    /// <summary>How often a client re-reads the gateway list: a silo that joined or died is seen within this.</summary>
    public static readonly TimeSpan GatewayRefreshPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An Orleans client of the cluster named by the <c>Cluster</c> settings: it finds the silos' gateways in
    /// the PostgreSQL membership table and gives up on a call after <see cref="ClusterSettings.CallTimeout"/>.
    /// </summary>
    public static IHostApplicationBuilder AddFlowClusterClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = ClusterSettings.From(builder.Configuration);
        if (cluster.Membership != MembershipKind.Postgres)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(ClusterSettings.Section, typeof(ClusterSettings),
                [$"An Api node without a silo needs {ClusterSettings.Section}:Membership=Postgres to find the cluster."]);
        }
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
            client.Services.AddClusterDatabase(cluster);
            client.Services.AddSingleton<IGatewayListProvider>(sp => new PostgresGatewayListProvider(
                cluster.ServiceId, cluster.ClusterId, sp.GetRequiredService<NpgsqlDataSource>(), GatewayRefreshPeriod));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayRefreshPeriod);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.CallTimeout);
            if (SiloHostingExtensions.DashboardSettings(builder.Configuration).MountsOrleans)
            {
                // Orleans' dashboard served by this Api node, from the silos' dashboard grains.
                client.AddDashboard();
            }
        });
        return builder;
    }
}
