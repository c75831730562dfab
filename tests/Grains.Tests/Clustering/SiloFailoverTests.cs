using System.Diagnostics;
using Backend.FlowCatalog;
using Backend.FlowCatalog.SignUp;
using Backend.Flows.Endpoint;
using Backend.Grains.Hosting;
using Backend.TestSupport.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Backend.Grains.Tests.Clustering;

/// <summary>A two-silo TestingHost cluster on PostgreSQL storage: a killed silo's sessions go on from their saved state.</summary>
public sealed class KilledSiloTests(PostgresGrainCluster host, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresGrainCluster>
{
    [Fact]
    public async Task AKilledSilosSessionsGoOnFromTheirSavedStateOnTheSurvivor()
    {
        var grains = host.Grains;
        var tokens = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        foreach (var token in tokens)
        {
            await grains.GetFlowSession(token).Issue(new FlowSessionIssue(SignUpNames.Flow, "15550001111", TimeSpan.Zero));
            await grains.GetFlowSession(token).Handle(SiloFailoverTests.Init(token), default);
        }
        // Placement decides where sessions live: kill the silo that hosts the most of them.
        int Hosted(Orleans.TestingHost.InProcessSiloHandle silo) => tokens.Count(t =>
            host.Cluster.TryGetGrainContext(grains.GetFlowSession(t).GetGrainId(), out var context) && context.Address.SiloAddress == silo.SiloAddress);
        var victim = host.Cluster.Silos.MaxBy(Hosted)!;
        var onVictim = Hosted(victim);

        await host.Cluster.KillSiloAsync(victim);
        var (recovered, failures) = await SiloFailoverTests.StepAllAsync(grains, tokens);

        output.WriteLine($"{onVictim} of {tokens.Length} sessions were on the killed silo; all answered {recovered.TotalSeconds:0.0} s after the kill; {failures} calls failed meanwhile.");
        Assert.True(onVictim > 0, "no session was on the killed silo");
        await SiloFailoverTests.AssertStepsKeptAsync(grains, tokens);
    }
}

/// <summary>
/// Two silos and a client, each a host of its own configured as the product configures them, with membership
/// and grain state in PostgreSQL: they find each other through the membership table (the client through its
/// gateway list), and a silo that stops leaves its sessions to the survivor, which goes on from their saved state.
/// </summary>
public sealed class SiloFailoverTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IHost> _silos = [];
    private readonly PostgresFixture _database = new("failover");
    private IHost? _client;

    private Dictionary<string, string?> Settings => new()
    {
        ["Cluster:Membership"] = "Postgres",
        ["Cluster:Storage"] = "Postgres",
        ["Cluster:ConnectionString"] = _database.ConnectionString,
        ["Cluster:ServiceId"] = "failover",
        ["Cluster:ClusterId"] = "test",
        ["Cluster:SiloPort"] = "0",
        ["Cluster:GatewayPort"] = "0",
        ["Cluster:AdvertisedAddress"] = "127.0.0.1",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        for (var i = 0; i < 2; i++)
        {
            var silo = Host.CreateApplicationBuilder();
            silo.Configuration.AddInMemoryCollection(Settings);
            silo.AddFlowSilo();
            silo.AddFlowCatalog();
            _silos.Add(silo.Build());
            await _silos[^1].StartAsync();
        }
        var client = Host.CreateApplicationBuilder();
        client.Configuration.AddInMemoryCollection(Settings);
        client.AddFlowClusterClient();
        _client = client.Build();
        await _client.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _silos.Append(_client).OfType<IHost>())
        {
            try
            {
                await host.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                // Already stopped (the killed silo).
            }
            host.Dispose();
        }
        await _database.DisposeAsync();
    }

    internal static FlowStep Init(string token) =>
        new(SignUpNames.Flow, new DataExchangeRequest("3.0", FlowRequestAction.Init, null, [], token, null));

    [Fact]
    public async Task AnAbruptlyStoppedSilosSessionsGoOnFromTheirSavedStateOnTheSurvivor()
    {
        var grains = _client!.Services.GetRequiredService<IGrainFactory>();
        var tokens = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        foreach (var token in tokens)
        {
            await grains.GetFlowSession(token).Issue(new FlowSessionIssue(SignUpNames.Flow, "15550001111", TimeSpan.Zero));
            await grains.GetFlowSession(token).Handle(Init(token), default);
        }
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM membership WHERE status = 3"));

        await _silos[1].StopAsync();
        var (recovered, failures) = await StepAllAsync(grains, tokens);

        output.WriteLine($"All sessions answered {recovered.TotalSeconds:0.0} s after the stop; {failures} calls failed meanwhile.");
        await AssertStepsKeptAsync(grains, tokens);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM membership WHERE status = 3"));
    }

    /// <summary>One more step on every session, retrying failed calls for up to 40 s; how long until all answered.</summary>
    internal static async Task<(TimeSpan Recovered, int Failures)> StepAllAsync(IGrainFactory grains, string[] tokens)
    {
        var clock = Stopwatch.StartNew();
        var failures = 0;
        foreach (var token in tokens)
        {
            while (true)
            {
                try
                {
                    Assert.Equal(FlowStepOutcome.Answered, (await grains.GetFlowSession(token).Handle(Init(token), default)).Outcome);
                    break;
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException && clock.Elapsed < TimeSpan.FromSeconds(40))
                {
                    failures++;
                    await Task.Delay(200);
                }
            }
        }
        return (clock.Elapsed, failures);
    }

    /// <summary>Every session is open with both steps in its history: the one before the silo went, and the one after.</summary>
    internal static async Task AssertStepsKeptAsync(IGrainFactory grains, string[] tokens)
    {
        foreach (var token in tokens)
        {
            var snapshot = (await grains.GetFlowSession(token).Get())!;
            Assert.Equal((FlowSessionStatus.Open, 2), (snapshot.Status, snapshot.History.Length));
        }
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
