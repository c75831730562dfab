using System.Text.Json.Nodes;

namespace Backend.Api.Simulator;

/// <summary>Start a simulated session of <see cref="Flow"/> (a catalog name or an upload's key).</summary>
/// <param name="Flow">The flow.</param>
/// <param name="EndpointUrl">Another endpoint to run it against; a token is then minted, not issued.</param>
public sealed record SimulatorSessionRequest(string? Flow, string? EndpointUrl);

/// <summary>
/// A started session: its flow token, whether this backend issued it (a session grain exists, shown on the dashboard
/// under <see cref="SessionKey"/>), and the endpoint.
/// </summary>
public sealed record SimulatorSession(string FlowToken, bool Issued, string? SessionKey, DateTimeOffset? ExpiresAt, string? EndpointUrl);

/// <summary>
/// An exchange to relay: the clear request (<c>version</c>, <c>action</c>, <c>screen</c>, <c>data</c>,
/// <c>flow_token</c>) for <see cref="EndpointUrl"/>, sealed to <see cref="PublicKeyPem"/> (default: this backend's
/// key) and signed with <see cref="AppSecret"/> (default: <c>Meta:AppSecret</c>).
/// </summary>
public sealed record SimulatorExchangeRequest(string? Flow, string? EndpointUrl, string? PublicKeyPem, string? AppSecret, JsonObject? Request);

/// <summary>A completion to deliver to this backend's webhook: the flow token and the <c>complete</c> payload (or the endpoint's SUCCESS params).</summary>
public sealed record SimulatorCompletionRequest(string? FlowToken, JsonObject? Payload);

/// <summary>What the webhook answered to the completion, and the delivery as Meta would send it.</summary>
public sealed record SimulatorCompletion(int Status, bool Signed, string MessageId, JsonObject Webhook);
