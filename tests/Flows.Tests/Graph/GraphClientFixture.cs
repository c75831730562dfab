using System.Collections.Concurrent;
using Backend.Flows.Graph;
using Backend.TestSupport.Graph;
using Backend.TestSupport.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backend.Flows.Tests.Graph;

/// <summary>A fake Graph server plus a client wired to it through DI, as an application would.</summary>
public sealed class GraphClientFixture : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public GraphClientFixture(Action<WhatsAppGraphOptions>? configure = null)
    {
        Server = FakeGraphServer.Start();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddSingleton<TimeProvider>(Time);
        services.AddWhatsAppGraphClient(o =>
        {
            o.BaseUrl = Server.BaseUrl;
            o.AccessToken = Server.AccessToken;
            o.WabaId = Server.WabaId;
            o.PhoneNumberId = Server.PhoneNumberId;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetries = 3;
            configure?.Invoke(o);
        });
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<IWhatsAppGraphClient>();
    }

    public FakeGraphServer Server { get; }

    public IWhatsAppGraphClient Client { get; }

    /// <summary>Skips backoff waits and records what was asked for.</summary>
    public RecordingTimeProvider Time { get; } = new();

    public LogCapture Logs { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>A time provider whose timers fire at once, recording each requested delay.</summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _delays.Enqueue(dueTime);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
