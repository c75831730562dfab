using Backend.Flows.Endpoint;

namespace Backend.Api.Endpoint;

/// <summary>
/// The seam between the endpoint and what runs flows: the endpoint has already checked the signature, decrypted
/// and parsed the request; the handler decides the answer. The grain-backed implementation forwards to the
/// flow token's session grain.
/// </summary>
public interface IFlowExchangeHandler
{
    /// <summary>Answers an <c>INIT</c>, <c>BACK</c> or <c>data_exchange</c> request of flow <paramref name="flowName"/>.</summary>
    ValueTask<FlowExchangeOutcome> HandleAsync(string flowName, DataExchangeRequest request, CancellationToken cancellationToken);

    /// <summary>Records an error notification (the endpoint acknowledges it whatever this does).</summary>
    ValueTask OnErrorNotificationAsync(string flowName, ErrorNotificationRequest notification, CancellationToken cancellationToken);
}

/// <summary>What a handler decided.</summary>
public abstract record FlowExchangeOutcome
{
    /// <summary>Answer 200 with the encrypted <paramref name="Response"/>.</summary>
    public sealed record Respond(FlowResponse Response) : FlowExchangeOutcome;

    /// <summary>Answer 427: the flow token is unknown, expired, completed or invalidated. The client disables the CTA.</summary>
    public sealed record TokenInvalidated(string? Message = null) : FlowExchangeOutcome;

    /// <summary>No flow definition handles this request: answered 501, never a made-up screen.</summary>
    public sealed record NotHandled(string Reason) : FlowExchangeOutcome;
}
