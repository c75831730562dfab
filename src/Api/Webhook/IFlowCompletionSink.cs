using Backend.Flows.Webhooks;

namespace Backend.Api.Webhook;

/// <summary>Receives what the webhook delivers for flows, once per message id.</summary>
public interface IFlowCompletionSink
{
    /// <summary>A user completed a flow. Throwing makes the webhook answer 500, so Meta delivers it again.</summary>
    ValueTask OnCompletedAsync(FlowCompletion completion, CancellationToken cancellationToken);

    /// <summary>A <c>flows</c> field event (status change, health alert).</summary>
    ValueTask OnFlowEventAsync(FlowEvent flowEvent, CancellationToken cancellationToken);
}

/// <summary>The sink in place until flow sessions exist: it logs, without the user's answers.</summary>
internal sealed partial class LoggingFlowCompletionSink(ILogger<LoggingFlowCompletionSink> logger) : IFlowCompletionSink
{
    public ValueTask OnCompletedAsync(FlowCompletion completion, CancellationToken cancellationToken)
    {
        LogCompletion(logger, Backend.Flows.Endpoint.FlowTokenFingerprint.Of(completion.FlowToken), completion.Response.Count);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnFlowEventAsync(FlowEvent flowEvent, CancellationToken cancellationToken)
    {
        LogFlowEvent(logger, flowEvent.Event, flowEvent.FlowId, flowEvent.NewStatus, flowEvent.AlertState);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(30, LogLevel.Information, "Flow completed (token {TokenFingerprint}, {FieldCount} response fields)")]
    private static partial void LogCompletion(ILogger logger, string tokenFingerprint, int fieldCount);

    [LoggerMessage(31, LogLevel.Information, "Flow event {Event} for flow {FlowId} (status {NewStatus}, alert {AlertState})")]
    private static partial void LogFlowEvent(ILogger logger, string? @event, string? flowId, string? newStatus, string? alertState);
}
