using Backend.Grains.Hosting;
using Backend.ServiceDefaults;

var builder = WebApplication.CreateSlimBuilder(args);

// Metrics and traces (Orleans', ASP.NET Core's), exported with OTLP when configured.
builder.AddServiceTelemetry();
// The silo: the grains, membership and state in PostgreSQL (Cluster:Membership/Storage), migrations at start.
builder.AddFlowSilo();
// Liveness (/healthz) and readiness (/readyz: database and cluster answer) for orchestrators.
builder.AddClusterHealthChecks();
// On SIGTERM the silo drains: its activations deactivate (state is saved on every write already) and it leaves
// the membership before the process exits.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

var app = builder.Build();

app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains(ClusterHealthChecks.Ready) });

app.Run();
