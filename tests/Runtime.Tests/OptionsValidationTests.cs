using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Backend.Runtime.Tests;

public sealed class OptionsValidationTests
{
    private static readonly GrainRuntimeOptionsValidator Validator = new();

    [Fact]
    public void TheDefaultsAreValidAndUseMemoryStorage()
    {
        var defaults = new GrainRuntimeOptions();

        Assert.True(Validator.Validate(null, defaults).Succeeded);
        Assert.Equal(GrainStorageKind.Memory, defaults.Storage);
    }

    [Fact]
    public void PostgresStorageWithoutAConnectionStringIsRejected()
    {
        var result = Validator.Validate(null, new GrainRuntimeOptions { Storage = GrainStorageKind.Postgres });

        Assert.True(result.Failed);
        Assert.Contains("GrainRuntime:ConnectionString is required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedConnectionStringIsRejectedWithoutBeingEchoed()
    {
        var result = Validator.Validate(null, new GrainRuntimeOptions
        {
            Storage = GrainStorageKind.Postgres,
            ConnectionString = "Host=db;Password=hunter2;NoSuchKeyword=1",
        });

        Assert.True(result.Failed);
        Assert.DoesNotContain("hunter2", result.FailureMessage, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<GrainRuntimeOptions>> InvalidSettings => new()
    {
        { "MailboxCapacity", o => o.MailboxCapacity = 0 },
        { "CallTimeout", o => o.CallTimeout = TimeSpan.Zero },
        { "CollectionAge", o => o.CollectionAge = TimeSpan.FromSeconds(-1) },
        { "CollectionQuantum", o => o.CollectionQuantum = TimeSpan.Zero },
        { "ServiceId", o => o.ServiceId = " " },
        { "OtlpEndpoint", o => o.OtlpEndpoint = "not a url" },
        { "Storage", o => o.Storage = (GrainStorageKind)7 },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void EachOutOfRangeSettingIsNamedInTheFailure(string setting, Action<GrainRuntimeOptions> breakIt)
    {
        var options = new GrainRuntimeOptions();
        breakIt(options);

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"GrainRuntime:{setting}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGrainRuntimeSectionOverridesTheDefaults()
    {
        using var host = BuildHost(new()
        {
            ["GrainRuntime:Storage"] = "Postgres",
            ["GrainRuntime:ConnectionString"] = "Host=127.0.0.1;Database=x",
            ["GrainRuntime:MailboxCapacity"] = "7",
            ["GrainRuntime:CallTimeout"] = "00:00:05",
            ["GrainRuntime:ServiceId"] = "bound",
        });

        var options = host.Services.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value;

        Assert.Equal(GrainStorageKind.Postgres, options.Storage);
        Assert.Equal(7, options.MailboxCapacity);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CallTimeout);
        Assert.Equal("bound", options.ServiceId);
        Assert.Equal(TimeSpan.FromMinutes(15), options.CollectionAge);
    }

    [Fact]
    public async Task AHostWithInvalidOptionsRefusesToStart()
    {
        using var host = BuildHost(new() { ["GrainRuntime:Storage"] = "Postgres", ["GrainRuntime:MailboxCapacity"] = "-1" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("ConnectionString", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MailboxCapacity", StringComparison.Ordinal));
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGrainRuntime(runtime => runtime.AddGrain<ProbeGrain>());
        return builder.Build();
    }
}
