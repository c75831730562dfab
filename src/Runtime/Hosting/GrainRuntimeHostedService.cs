using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backend.Runtime;

/// <summary>
/// Runs the runtime with the host: prepares storage, accepts calls, collects idle activations
/// every <see cref="GrainRuntimeOptions.CollectionQuantum"/>, and on stop drains and deactivates.
/// </summary>
internal sealed class GrainRuntimeHostedService(
    GrainRuntime runtime,
    IGrainStorage storage,
    GrainTypeRegistry registry,
    IOptions<GrainRuntimeOptions> options,
    ILogger<GrainRuntimeHostedService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _collector = Task.CompletedTask;
    private int _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage is PostgresGrainStorage postgres)
        {
            await postgres.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        runtime.Start();
        _collector = CollectIdleAsync(_stopping.Token);
        RuntimeLog.Started(logger, runtime.Silo, options.Value.ServiceId, options.Value.Storage, registry.Classes.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host can be stopped twice (a web application stops itself, then its test host stops it again,
        // after disposal): only the first stop does anything.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _collector.ConfigureAwait(false);
        await runtime.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _stopping.Dispose();
    }

    private async Task CollectIdleAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.CollectionQuantum);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    runtime.CollectIdle();
                }
                catch (Exception exception)
                {
                    RuntimeLog.CollectionFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
