using Backend.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Backend.Grains.Tests.Sessions;

/// <summary>A one-screen flow beside the sign-up flow.</summary>
public sealed class EchoFlow : Backend.Flows.Routing.FlowDefinition
{
    public override string Name => "echo";

    public override Backend.Flows.FlowJson.FlowJsonDocument FlowJson { get; } = new()
    {
        Version = "7.3",
        Screens =
        [
            new Backend.Flows.FlowJson.Screen
            {
                Id = "ONLY",
                Terminal = true,
                Layout = new Backend.Flows.FlowJson.Layout { Children = [new Backend.Flows.FlowJson.Footer { Label = "Done", OnClickAction = new Backend.Flows.FlowJson.CompleteAction() }] },
            },
        ],
    };

    protected override void Configure(Backend.Flows.Routing.FlowRouter router) => router.Default(c => c.Screen("ONLY"));
}

/// <summary>A clock the test moves.</summary>
public sealed class AdjustableTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The grains as the Api hosts them (in-memory storage), with an adjustable clock.</summary>
public sealed class GrainHost : IAsyncLifetime
{
    private IHost? _host;

    public AdjustableTime Time { get; } = new();

    public IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["FlowSessions:Lifetime"] = "01:00:00";
        builder.AddFlowGrains();
        builder.AddFlow<EchoFlow>();
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(Time);
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
