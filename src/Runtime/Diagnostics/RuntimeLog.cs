using Microsoft.Extensions.Logging;

namespace Backend.Runtime;

/// <summary>Source-generated log messages of the runtime.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Information, "Grain runtime started: silo {Silo}, service {ServiceId}, {Storage} storage, {GrainClasses} grain classes")]
    public static partial void Started(ILogger logger, SiloAddress silo, string serviceId, GrainStorageKind storage, int grainClasses);

    [LoggerMessage(2, LogLevel.Information, "Grain runtime stopping: draining and deactivating {Activations} activations")]
    public static partial void Stopping(ILogger logger, int activations);

    [LoggerMessage(3, LogLevel.Information, "Grain runtime stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(4, LogLevel.Warning, "Grain runtime shutdown was cut short with {Activations} activations not yet deactivated")]
    public static partial void ShutdownCutShort(ILogger logger, int activations);

    [LoggerMessage(5, LogLevel.Warning, "Activation of {GrainId} failed; the next call will try again")]
    public static partial void ActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed ({Reason})")]
    public static partial void DeactivationFailed(ILogger logger, GrainId grainId, DeactivationReasonCode reason, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Grain {GrainId} hit an inconsistent-state error; dropping the activation so the next call re-reads state")]
    public static partial void InconsistentState(ILogger logger, GrainId grainId);

    [LoggerMessage(8, LogLevel.Debug, "Deactivated {GrainId} ({Reason})")]
    public static partial void Deactivated(ILogger logger, GrainId grainId, DeactivationReasonCode reason);

    [LoggerMessage(9, LogLevel.Debug, "Idle collection deactivating {Count} activations")]
    public static partial void Collecting(ILogger logger, int count);

    [LoggerMessage(10, LogLevel.Information, "Grain state schema is at version {Version}")]
    public static partial void SchemaReady(ILogger logger, int version);

    [LoggerMessage(11, LogLevel.Information, "Exporting runtime metrics and traces over OTLP to {Endpoint}")]
    public static partial void TelemetryExport(ILogger logger, string endpoint);

    [LoggerMessage(13, LogLevel.Critical, "The turn loop of {GrainId} failed; its queued calls were failed and the activation dropped")]
    public static partial void TurnLoopFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(12, LogLevel.Error, "Idle collection pass failed")]
    public static partial void CollectionFailed(ILogger logger, Exception exception);
}
