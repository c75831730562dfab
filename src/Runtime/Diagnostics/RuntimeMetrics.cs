using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Backend.Runtime;

/// <summary>Names of the runtime's <see cref="Meter"/> and <see cref="ActivitySource"/>, for exporters and listeners.</summary>
public static class GrainRuntimeTelemetryNames
{
    /// <summary>Name of both the meter and the activity source.</summary>
    public const string Name = "Backend.Runtime";
}

/// <summary>The runtime's instruments; one per runtime instance, created through <see cref="IMeterFactory"/>.</summary>
internal sealed class RuntimeMetrics : IDisposable
{
    public static readonly ActivitySource ActivitySource = new(GrainRuntimeTelemetryNames.Name);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public RuntimeMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(GrainRuntimeTelemetryNames.Name) ?? new Meter(GrainRuntimeTelemetryNames.Name);
        Activations = _meter.CreateUpDownCounter<long>(
            "backend.runtime.activations", "{activation}", "Live activations, by grain type.");
        ActivationFailures = _meter.CreateCounter<long>(
            "backend.runtime.activation.failures", "{activation}", "Activations that failed to start, by grain type.");
        Calls = _meter.CreateCounter<long>(
            "backend.runtime.calls", "{call}", "Grain calls, by interface and method.");
        CallFailures = _meter.CreateCounter<long>(
            "backend.runtime.call.failures", "{call}", "Grain calls that ended in an exception, by interface, method and error type.");
        CallDuration = _meter.CreateHistogram<double>(
            "backend.runtime.call.duration", "s", "Grain call latency seen by the caller, queueing included.");
        StorageDuration = _meter.CreateHistogram<double>(
            "backend.runtime.storage.duration", "s", "Grain storage operation latency, by operation.");
        EtagConflicts = _meter.CreateCounter<long>(
            "backend.runtime.storage.etag_conflicts", "{conflict}", "Writes or clears refused because the stored version moved on.");
    }

    public UpDownCounter<long> Activations { get; }
    public Counter<long> ActivationFailures { get; }
    public Counter<long> Calls { get; }
    public Counter<long> CallFailures { get; }
    public Histogram<double> CallDuration { get; }
    public Histogram<double> StorageDuration { get; }
    public Counter<long> EtagConflicts { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
