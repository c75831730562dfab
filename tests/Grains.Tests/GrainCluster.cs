using Backend.FlowCatalog;
using Backend.Flows.FlowJson;
using Backend.Flows.Routing;
using Backend.Grains.Hosting;
using Backend.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Backend.Grains.Tests;

/// <summary>A one-screen flow beside the sign-up flow.</summary>
public sealed class EchoFlow : FlowDefinition
{
    public override string Name => "echo";

    public override FlowJsonDocument FlowJson { get; } = new()
    {
        Version = "7.3",
        Screens =
        [
            new Screen
            {
                Id = "ONLY",
                Terminal = true,
                Layout = new Layout { Children = [new Footer { Label = "Done", OnClickAction = new CompleteAction() }] },
            },
        ],
    };

    protected override void Configure(FlowRouter router) => router.Default(c => c.Screen("ONLY"));
}

/// <summary>
/// The grains' clock: <see cref="FakeTimeProvider"/>'s wall clock, which a test sets and advances, with the system's
/// timers and stopwatch. The silos run their own timers and timeouts on the same provider, and those must keep
/// running while the test's clock stands still.
/// </summary>
public sealed class ClusterClock : FakeTimeProvider
{
    public ClusterClock(DateTimeOffset start)
        : base(start)
    {
    }

    public override long TimestampFrequency => System.TimestampFrequency;

    public override long GetTimestamp() => System.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}

/// <summary>
/// A real Orleans cluster of two silos (TestingHost, in process) with the product's grains and grain storage,
/// an adjustable clock and the echo flow. Subclasses choose the storage.
/// </summary>
public abstract class GrainCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>The grains' clock, which the test moves.</summary>
    public ClusterClock Time { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

    /// <summary>The cluster's <c>Accounts:DataKey</c>.</summary>
    public string DataKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not deployed.");

    public IGrainFactory Grains => Cluster.Client;

    protected abstract Task<ClusterSettings> StorageAsync();

    public async Task InitializeAsync()
    {
        var storage = await StorageAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["FlowSessions:Lifetime"] = "01:00:00";
            host.Configuration["Accounts:DataKey"] = DataKey;
            host.AddFlowGrains();
            host.AddFlowCatalog();
            host.Services.AddFlow<EchoFlow>();
            host.Services.RemoveAll<TimeProvider>();
            host.Services.AddSingleton<TimeProvider>(Time);
        });
        builder.ConfigureSilo((_, silo) => silo.AddFlowStorage(storage));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>Grains on Orleans' memory storage (the single-process default).</summary>
public sealed class MemoryGrainCluster : GrainCluster
{
    protected override Task<ClusterSettings> StorageAsync() => Task.FromResult(new ClusterSettings { Storage = GrainStorageKind.Memory });
}

/// <summary>Grains on PostgreSQL storage, in a database of their own.</summary>
public sealed class PostgresGrainCluster : GrainCluster
{
    private readonly PostgresFixture _database = new("grains");

    public string ConnectionString => _database.ConnectionString;

    protected override async Task<ClusterSettings> StorageAsync()
    {
        await _database.InitializeAsync();
        return new ClusterSettings { Storage = GrainStorageKind.Postgres, ConnectionString = _database.ConnectionString, ServiceId = "grain-tests" };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }
}
