using Backend.Flows.Webhooks;

namespace Backend.Api.Webhook;

/// <summary>Receives what the webhook delivers for flows, once per message id.</summary>
public interface IFlowCompletionSink
{
    /// <summary>
    /// A user completed a flow. Returns whether the completion was taken; <see langword="false"/> (no session has
    /// that token yet) leaves the message id unclaimed, so a later re-delivery is processed. Throwing makes the
    /// webhook answer 503 (or 500), so Meta delivers it again.
    /// </summary>
    ValueTask<bool> OnCompletedAsync(FlowCompletion completion, CancellationToken cancellationToken);

    /// <summary>A <c>flows</c> field event (status change, health alert).</summary>
    ValueTask OnFlowEventAsync(FlowEvent flowEvent, CancellationToken cancellationToken);
}
