using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;

namespace Backend.Flows.Routing;

/// <summary>
/// What a handler sees: the request, its data with typed accessors, the services of the host, and helpers that
/// build the answers (<see cref="Screen"/>, <see cref="Close"/>, <see cref="Invalidate"/>).
/// </summary>
public sealed class FlowRequestContext(
    string flowName, DataExchangeRequest request, IServiceProvider services, CancellationToken cancellationToken)
{
    /// <summary>The flow's name (its endpoint route).</summary>
    public string FlowName { get; } = flowName;

    /// <summary>The decrypted request.</summary>
    public DataExchangeRequest Request { get; } = request;

    /// <summary>The request's data (the action payload).</summary>
    public JsonObject Data => Request.Data;

    /// <summary>The flow token (the session id).</summary>
    public string FlowToken => Request.FlowToken;

    /// <summary>The host's services (grain factory, repositories, clocks …).</summary>
    public IServiceProvider Services { get; } = services;

    /// <summary>Cancelled when the request's deadline passes.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>A string field of the data, or "" when absent or not a string (as a form field that was left empty).</summary>
    public string Text(string field) =>
        Data[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    /// <summary>A boolean field of the data, or <see langword="false"/> when absent.</summary>
    public bool Flag(string field) =>
        Data[field] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    /// <summary>A required service.</summary>
    public T Service<T>() where T : notnull =>
        (T?)Services.GetService(typeof(T)) ?? throw new InvalidOperationException($"No service of type {typeof(T).Name} is registered.");

    /// <summary>Shows <paramref name="screen"/> with <paramref name="data"/>, optionally with an error snackbar.</summary>
    public ValueTask<FlowResponse> Screen(string screen, JsonObject? data = null, string? errorMessage = null) =>
        ValueTask.FromResult<FlowResponse>(new NextScreenResponse(screen, data, errorMessage));

    /// <summary>Closes the flow; <paramref name="parameters"/> reach the completion webhook.</summary>
    public ValueTask<FlowResponse> Close(JsonObject? parameters = null) =>
        ValueTask.FromResult<FlowResponse>(new CloseFlowResponse(FlowToken, parameters));

    /// <summary>Invalidates the token (427): the flow's button is disabled on the user's phone.</summary>
    public static FlowTokenInvalidatedException Invalidate(string? message = null) => new(message);
}

/// <summary>
/// Thrown by a handler to answer 427: the flow token is no longer valid (PyWa's <c>FlowTokenNoLongerValid</c>).
/// </summary>
public sealed class FlowTokenInvalidatedException(string? userMessage) : Exception(userMessage ?? "The flow token is no longer valid.")
{
    /// <summary>The message shown to the user, if any.</summary>
    public string? UserMessage { get; } = userMessage;
}
