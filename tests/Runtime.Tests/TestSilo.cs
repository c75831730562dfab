using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backend.Runtime.Tests;

/// <summary>A host running the grain runtime with the test grains, as the Silo or the Api would.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public Probe Probe => _host.Services.GetRequiredService<Probe>();

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a silo; with a connection string its state lives in Postgres, else in memory.</summary>
    public static async Task<TestSilo> StartAsync(string? connectionString = null, Action<GrainRuntimeOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<Probe>();
        builder.AddGrainRuntime(runtime => runtime
            .AddGrainsFromAssembly(typeof(TestSilo).Assembly)
            .Configure(options =>
            {
                options.Storage = connectionString is null ? GrainStorageKind.Memory : GrainStorageKind.Postgres;
                options.ConnectionString = connectionString;
                configure?.Invoke(options);
            }));
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async Task StopAsync()
    {
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }
        _host.Dispose();
    }
}
