using System.Collections.Concurrent;
using Backend.Flows.Graph;
using Backend.TestSupport.Graph;
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

    public RecordingLoggerProvider Logs { get; } = new();

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

/// <summary>Keeps every formatted log line (to prove the token never appears).</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
