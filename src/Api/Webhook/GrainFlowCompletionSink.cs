using Backend.Flows.Endpoint;
using Backend.Flows.Webhooks;
using Backend.Grains;

namespace Backend.Api.Webhook;

/// <summary>Completes the flow token's session when the webhook delivers the user's <c>nfm_reply</c>.</summary>
internal sealed partial class GrainFlowCompletionSink(IGrainFactory grains, ILogger<GrainFlowCompletionSink> logger) : IFlowCompletionSink
{
    public async ValueTask<bool> OnCompletedAsync(FlowCompletion completion, CancellationToken cancellationToken)
    {
        var result = await grains.GetFlowSession(completion.FlowToken)
            .Complete(new FlowCompletionReport(completion.MessageId, completion.Response, completion.From, completion.Timestamp))
            .WaitAsync(cancellationToken);
        LogCompletion(logger, FlowTokenFingerprint.Of(completion.FlowToken), result.Outcome);
        return result.Outcome != FlowCompletionOutcome.UnknownSession;
    }

    public ValueTask OnFlowEventAsync(FlowEvent flowEvent, CancellationToken cancellationToken)
    {
        LogFlowEvent(logger, flowEvent.Event, flowEvent.FlowId, flowEvent.NewStatus, flowEvent.AlertState);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(50, LogLevel.Information, "Completion webhook for session {TokenFingerprint}: {Outcome}")]
    private static partial void LogCompletion(ILogger logger, string tokenFingerprint, FlowCompletionOutcome outcome);

    [LoggerMessage(51, LogLevel.Information, "Flow event {Event} for flow {FlowId} (status {NewStatus}, alert {AlertState})")]
    private static partial void LogFlowEvent(ILogger logger, string? @event, string? flowId, string? newStatus, string? alertState);
}
