using Backend.Api.FlowEndpoint;
using Backend.Api.Sessions;
using Backend.Api.Webhook;

var builder = WebApplication.CreateBuilder(args);

// The encrypted data endpoint: keys (a development key on first run), signature check, handler seam.
builder.AddFlowEndpoint();
// Meta's webhook: subscription check, signed deliveries, de-duplication of retries.
builder.AddWebhook();
// Flow sessions and accounts on grains (in memory by default, Postgres when configured), the sign-up flow, the admin API.
builder.AddFlowSessions();
// Liveness for load balancers and orchestrators.
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseRequestTimeouts();
app.MapFlowEndpoint();
app.MapWebhook();
app.MapAdmin();
app.MapHealthChecks("/healthz");

app.Run();

/// <summary>Entry point, public so functional tests can host the Api.</summary>
public partial class Program;
