using Backend.Flows.Endpoint;
using Backend.Grains;

namespace Backend.Api.Endpoint;

/// <summary>Forwards screen requests and error notifications to the flow token's <see cref="IFlowSessionGrain"/>.</summary>
internal sealed class GrainFlowExchangeHandler(IGrainFactory grains) : IFlowExchangeHandler
{
    public async ValueTask<FlowExchangeOutcome> HandleAsync(string flowName, DataExchangeRequest request, CancellationToken cancellationToken)
    {
        var result = await grains.GetFlowSession(request.FlowToken).Handle(new FlowStep(flowName, request), cancellationToken);
        return result.Outcome switch
        {
            FlowStepOutcome.Answered => new FlowExchangeOutcome.Respond(new SerializedFlowResponse(result.ResponseJson!)),
            FlowStepOutcome.TokenInvalid => new FlowExchangeOutcome.TokenInvalidated(result.Message),
            _ => new FlowExchangeOutcome.NotHandled(result.Message ?? "Not handled."),
        };
    }

    public async ValueTask OnErrorNotificationAsync(string flowName, ErrorNotificationRequest notification, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(notification.FlowToken))
        {
            await grains.GetFlowSession(notification.FlowToken)
                .RecordError(new FlowErrorReport(flowName, notification.ErrorKey, notification.ErrorMessage, notification.Screen))
                .WaitAsync(cancellationToken);
        }
    }
}
