using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Backend.Flows.Media;
using Backend.Flows.Routing;
using Backend.Grains.Accounts;
using Backend.Grains.Clustering;
using Backend.Grains.Dashboard;
using Backend.Grains.Sessions;
using Backend.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace Backend.Grains.Hosting;

/// <summary>Settings of accounts (section <c>Accounts</c>).</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>PBKDF2-SHA256 iterations of new password hashes; existing hashes keep theirs.</summary>
    [System.ComponentModel.DataAnnotations.Range(PasswordHasher.MinimumIterations, 10_000_000)]
    public int PasswordIterations { get; set; } = PasswordHasher.MinimumIterations;

    /// <summary>
    /// A 256-bit key (standard base64) that seals each account's email and names at rest (AES-256-GCM). Every silo
    /// needs the same one. Without it accounts keep only what login needs (the password hash) and a masked email.
    /// Generate one with <c>openssl rand -base64 32</c>.
    /// </summary>
    public string? DataKey { get; set; }

    /// <summary>Keys data was sealed with before a rotation: still opened, never used to seal.</summary>
    public List<string> PreviousDataKeys { get; set; } = [];

    /// <summary>Whether every configured data key is 32 bytes of standard base64.</summary>
    public bool DataKeysAreValid() =>
        (string.IsNullOrEmpty(DataKey) || PersonalDataProtector.IsValidKey(DataKey)) && PreviousDataKeys.All(k => k.Length == 0 || PersonalDataProtector.IsValidKey(k));
}

/// <summary>Hosts the grains: the silo, its storage, and what the grains need.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// The grains for an Api process, as <c>Cluster:Mode</c> says: a co-hosted silo (<see cref="AddFlowSilo"/>),
    /// or the grains' services and an Orleans client of the cluster (<see cref="ClientHostingExtensions.AddFlowClusterClient"/>).
    /// </summary>
    public static IHostApplicationBuilder AddFlowGrainHost(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return ClusterSettings.From(builder.Configuration).Mode == ApiMode.Client
            ? builder.AddFlowGrains().AddFlowClusterClient()
            : builder.AddFlowSilo();
    }

    /// <summary>
    /// Runs an Orleans silo in this host with the <c>Cluster</c> settings: alone on localhost or in a cluster
    /// whose membership is in PostgreSQL, memory or PostgreSQL grain storage, timeouts below the endpoint's
    /// deadline, and the grains' services (<see cref="AddFlowGrains"/>).
    /// </summary>
    public static IHostApplicationBuilder AddFlowSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = ClusterSettings.From(builder.Configuration);
        builder.AddFlowGrains();
        builder.UseOrleans(silo =>
        {
            var siloPort = cluster.SiloPort == 0 ? FreePort() : cluster.SiloPort;
            var gatewayPort = cluster.GatewayPort switch { 0 => FreePort(), -1 => 0, var port => port };
            if (cluster.Membership == MembershipKind.Localhost)
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }
            else
            {
                silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
                silo.Configure<EndpointOptions>(o =>
                {
                    // Unset, Orleans advertises the host's first non-loopback address (a container's or pod's).
                    if (!string.IsNullOrEmpty(cluster.AdvertisedAddress))
                    {
                        o.AdvertisedIPAddress = IPAddress.Parse(cluster.AdvertisedAddress);
                    }
                    (o.SiloPort, o.GatewayPort) = (siloPort, gatewayPort);
                });
                silo.AddFlowMembership(cluster);
            }
            silo.AddFlowStorage(cluster);
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = cluster.CollectionAge);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.CallTimeout);
            if (DashboardSettings(builder.Configuration).MountsOrleans)
            {
                silo.AddDashboard();
            }
            configure?.Invoke(silo);
        });
        return builder;
    }

    /// <summary>
    /// Cluster membership in PostgreSQL, with failure detection tuned for Meta's 10 s budget: Orleans' defaults
    /// declare a killed silo dead after about 7.5 s and a hung one after about a minute.
    /// </summary>
    public static ISiloBuilder AddFlowMembership(this ISiloBuilder silo, ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        silo.Services.AddClusterDatabase(cluster);
        silo.Services.AddSingleton<IMembershipTable>(sp => new PostgresMembershipTable(
            cluster.ServiceId, cluster.ClusterId, sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<PostgresMembershipTable>>()));
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            // With two silos only one other can vote; more votes would never declare a silo dead.
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            // A hung process's sockets stay open and keep delivering what was already in flight; counting that
            // as "demonstrably alive" suppressed every vote for 8 s in the hung-silo test.
            o.EnableConnectionLivenessCheck = false;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        return silo;
    }

    /// <summary>
    /// The grains' services: session and account settings (validated at start), the password hasher, the
    /// flow registry, the media decryptor (<see cref="FlowMediaDecryptor"/>) and the dashboard's counts. The flows
    /// themselves are registered by the host (<c>AddFlowCatalog</c> of <c>src/FlowCatalog</c>, or
    /// <see cref="FlowServiceCollectionExtensions.AddFlow{TFlow}"/> for one flow).
    /// </summary>
    public static IHostApplicationBuilder AddFlowGrains(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FlowSessionOptions>().BindConfiguration(FlowSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.DataKeysAreValid(), "Accounts:DataKey and Accounts:PreviousDataKeys must each be 32 bytes in standard base64.").ValidateOnStart();
        builder.Services.TryAddSingleton<PersonalDataProtector>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => new PasswordHasher(sp.GetRequiredService<IOptions<AccountOptions>>().Value.PasswordIterations));
        builder.Services.TryAddSingleton<FlowRegistry>();
        // Handlers (and webhook sinks) that receive PhotoPicker/DocumentPicker uploads download and open them with it.
        builder.Services.AddFlowMediaDecryptor(builder.Configuration.GetSection(FlowMediaOptions.Section));
        // The dashboard's counts on this node, and their report to the cluster every second or so.
        builder.Services.AddOptions<FlowDashboardOptions>().BindConfiguration(FlowDashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<FlowStats>();
        builder.Services.AddHostedService<FlowStatsReporter>();
        return builder;
    }

    /// <summary>The dashboard's settings as the host is built (Orleans is configured before the container exists).</summary>
    public static (bool Enabled, bool MountsOrleans) DashboardSettings(IConfiguration configuration)
    {
        var options = new FlowDashboardOptions();
        configuration.GetSection(FlowDashboardOptions.Section).Bind(options);
        return (options.Enabled, options.Enabled && options.Orleans);
    }

    /// <summary>The default grain storage of <paramref name="cluster"/>: Orleans' memory storage, or PostgreSQL.</summary>
    public static ISiloBuilder AddFlowStorage(this ISiloBuilder silo, ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Storage == GrainStorageKind.Memory)
        {
            return silo.AddMemoryGrainStorageAsDefault();
        }
        silo.Services.AddClusterDatabase(cluster);
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => new PostgresGrainStorage(
            cluster.ServiceId, sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<PostgresGrainStorage>>(), cluster.StorageWrites));
        return silo;
    }

    /// <summary>The connection pool of the cluster's database (state and membership), once per process.</summary>
    internal static IServiceCollection AddClusterDatabase(this IServiceCollection services, ClusterSettings cluster)
    {
        services.TryAddSingleton(_ => BuildDataSource(cluster.ConnectionString!));
        return services;
    }

    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same few statements run all the time: let Npgsql prepare them once per connection.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
        }
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            // Nothing here leaves session state on a connection (no SET, temporary tables or session locks), so the
            // reset Npgsql sends each time a connection goes back to the pool (RESET ALL, DISCARD … : parsed and run
            // by the server per grain write) buys nothing: about 5 % of the database's CPU per step in the bench.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }
        return builder.Build();
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
