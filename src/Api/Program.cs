using Backend.Api.FlowEndpoint;
using Backend.Api.Webhook;

var builder = WebApplication.CreateBuilder(args);

// The encrypted data endpoint: keys (a development key on first run), signature check, handler seam.
builder.AddFlowEndpoint();
// Meta's webhook: subscription check, signed deliveries, de-duplication of retries.
builder.AddWebhook();
// Liveness for load balancers and orchestrators.
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseRequestTimeouts();
app.MapFlowEndpoint();
app.MapWebhook();
app.MapHealthChecks("/healthz");

app.Run();

/// <summary>Entry point, public so functional tests can host the Api.</summary>
public partial class Program;
