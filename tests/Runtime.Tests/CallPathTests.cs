using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backend.Runtime.Tests;

public sealed class CallPathTests
{
    [Fact]
    public async Task ACallArrivingAsAMessageRunsOnTheSameActivationAsReferenceCalls()
    {
        await using var silo = await TestSilo.StartAsync();
        var runtime = silo.Services.GetRequiredService<GrainRuntime>();
        await silo.Grains.GetGrain<IProbeGrain>("message").Record("by reference");

        var reply = await runtime.InvokeAsync(new GrainCall(typeof(IProbeGrain).FullName!, "message", "Ping", []));
        await runtime.InvokeAsync(new GrainCall(typeof(IProbeGrain).FullName!, "message", "Record", ["by message"]));

        Assert.Equal("pong from probe/message", reply);
        Assert.Equal(["by reference", "by message"], silo.Probe.Log);
        Assert.Equal(1, silo.Probe.Activations["message"]);
        await Assert.ThrowsAsync<ArgumentException>(() => runtime.InvokeAsync(new GrainCall(typeof(IProbeGrain).FullName!, "message", "Nope", [])));
    }

    [Fact]
    public async Task AGrainPlacedOnAnotherSiloIsRefusedClearlyUntilRemoteCallsExist()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<Probe>();
        builder.Services.AddSingleton<IGrainPlacement, ElsewherePlacement>();
        builder.AddGrainRuntime(runtime => runtime.AddGrain<ProbeGrain>());
        using var host = builder.Build();
        await host.StartAsync();

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(
            () => host.Services.GetRequiredService<IGrainFactory>().GetGrain<IProbeGrain>("far").Ping());

        Assert.Contains("10.0.0.9:11111", error.Message, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task EachStartIsANewSiloGeneration()
    {
        await using var first = await TestSilo.StartAsync();
        await using var second = await TestSilo.StartAsync();

        var a = first.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var b = second.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

        Assert.Equal(a.Endpoint, b.Endpoint);
        Assert.True(b.Generation > a.Generation);
    }

    private sealed class ElsewherePlacement : IGrainPlacement
    {
        public ValueTask<SiloAddress> GetOwnerAsync(GrainId grainId, CancellationToken cancellationToken) =>
            new(new SiloAddress("10.0.0.9:11111", 1));
    }
}
