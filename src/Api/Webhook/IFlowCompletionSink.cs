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
