using Backend.Api;
using Backend.Api.Admin;
using Backend.Api.Dashboard;
using Backend.Api.Endpoint;
using Backend.Api.Faults;
using Backend.Api.Limits;
using Backend.Api.Simulator;
using Backend.Api.Webhook;
using Backend.FlowCatalog;
using Backend.Grains.Hosting;
using Backend.ServiceDefaults;

// A refusal to start (a setting missing or invalid, a key that cannot be read) ends with one line and exit code 2.
StartupRefusal.ExitOnRefusal();
var builder = WebApplication.CreateBuilder(args);

// Secrets (keys, app secret, tokens, connection string) from /run/secrets, one file per setting, when mounted.
builder.AddSecretFiles();
// Metrics and traces (the endpoint's, Orleans', ASP.NET Core's), exported with OTLP when configured.
builder.AddServiceTelemetry(FlowEndpointMetrics.MeterName);
// The grains: a co-hosted Orleans silo (memory storage by default, PostgreSQL when configured), or, with
// Cluster:Mode=Client, an Orleans client of the silos (src/Silo).
builder.AddFlowGrainHost();
// The product's flows (src/FlowCatalog), served at /flows/{name}: the silo runs their handlers, the admin API issues them.
builder.AddFlowCatalog();
// The encrypted data endpoint: keys (a development key on first run), signature checks, the session grains behind it.
builder.AddFlowEndpoint();
// Meta's webhook: subscription check, signed deliveries, de-duplication of retries, completions to the session grains.
builder.AddWebhook();
// The admin API that issues and sends flows: bearer Admin:Token, idempotent sends, the Graph API client when configured.
builder.AddAdmin();
// The Api's own JSON (admin and dashboard): snake_case, as Meta's APIs write it.
builder.AddApiJson();
// The live dashboard (/dashboard): sign-in with the admin token, the cluster's flow figures, Orleans' dashboard.
builder.AddDashboard();
// The local flow simulator (/dashboard/simulator): a flow's screens in the browser against a real endpoint on this machine.
builder.AddSimulator();
// Our own faults (state not saved, database or silo unreachable) answer 503 with Retry-After, as problem details.
builder.AddTransientFaultAnswers();
// A bounded queue per node: past Limits:MaxConcurrentRequests running and Limits:QueueLength waiting, 503.
builder.AddRequestLimits();
// Liveness (/healthz) and readiness (/readyz: database and cluster answer) for load balancers and orchestrators.
builder.AddClusterHealthChecks();

var app = builder.Build();

app.UseExceptionHandler();
app.UseRequestTimeouts();
app.UseRateLimiter();
app.MapFlowEndpoint();
app.MapWebhook();
app.MapAdmin();
app.MapDashboard();
app.MapSimulator();
app.MapHealthEndpoints();

app.Run();

/// <summary>Entry point, public so functional tests can host the Api.</summary>
public partial class Program;
