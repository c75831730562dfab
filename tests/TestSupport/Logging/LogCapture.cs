using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backend.TestSupport.Logging;

/// <summary>
/// Keeps every formatted log line (level, category, message, exception) so tests can search them, e.g. to prove a
/// token, a password or an email never reaches the logs.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The lines so far, oldest first.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The lines so far, one per line.</summary>
    public string All => string.Join("\n", _lines);

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
