using Backend.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Backend.Grains.Tests.Hosting;

public sealed class ClusterSettingsTests
{
    private static ClusterSettings From(params (string Key, string Value)[] settings) => ClusterSettings.From(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void WithoutSettingsTheSiloRunsAloneInMemoryOnOrleansPorts()
    {
        var settings = From();
        Assert.Equal((GrainStorageKind.Memory, 11111, 30000), (settings.Storage, settings.SiloPort, settings.GatewayPort));
        Assert.True(settings.CallTimeout < TimeSpan.FromSeconds(8), "grain calls must fail before the endpoint's deadline");
    }

    [Fact]
    public void PostgresWithoutAConnectionStringStopsStartUpNamingTheSetting()
    {
        var refused = Assert.Throws<OptionsValidationException>(() => From(("Cluster:Storage", "Postgres")));
        Assert.Contains("Cluster:ConnectionString is required", refused.Message);
    }

    [Fact]
    public void AnInvalidConnectionStringIsRefusedWithoutEchoingIt()
    {
        var refused = Assert.Throws<OptionsValidationException>(() =>
            From(("Cluster:Storage", "Postgres"), ("Cluster:ConnectionString", "Host=db;Password=hunter2;Bogus Key=1")));
        Assert.Contains("Cluster:ConnectionString is not a valid", refused.Message);
        Assert.DoesNotContain("hunter2", refused.Message);
    }

    [Fact]
    public void ACallTimeoutOutsideItsRangeIsRefused() =>
        Assert.Throws<OptionsValidationException>(() => From(("Cluster:CallTimeout", "00:10:00")));

    [Fact]
    public void StorageWritesAreGroupedByDefaultAndOutOfRangeSettingsAreRefusedByName()
    {
        var defaults = From().StorageWrites;
        Assert.Equal((64, 1), (defaults.MaxBatchSize, defaults.MaxBatchesInFlight));
        Assert.Equal(1, From(("Cluster:StorageWrites:MaxBatchSize", "1")).StorageWrites.MaxBatchSize);

        var refused = Assert.Throws<OptionsValidationException>(() => From(("Cluster:StorageWrites:MaxBatchesInFlight", "0")));
        Assert.Contains("Cluster:StorageWrites:MaxBatchesInFlight", refused.Message);
    }
}
