using Backend.FlowCatalog;
using Backend.Grains.Hosting;
using Backend.ServiceDefaults;

// A refusal to start (a setting missing or invalid, a key that cannot be read) ends with one line and exit code 2.
StartupRefusal.ExitOnRefusal();
var builder = WebApplication.CreateSlimBuilder(args);

// Secrets (the connection string) from /run/secrets, one file per setting, as Docker and Kubernetes mount them.
builder.AddSecretFiles();
// Metrics and traces (Orleans', ASP.NET Core's), exported with OTLP when configured.
builder.AddServiceTelemetry();
// The silo: the grains, membership and state in PostgreSQL (Cluster:Membership/Storage), migrations at start.
// In Kubernetes the silo also follows its pod (only there: the hosting package fails anywhere else).
builder.AddFlowSilo(silo =>
{
    if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 })
    {
        silo.UseKubernetesHosting();
    }
});
// The product's flows (src/FlowCatalog): their handlers run here, in the grains that hold the sessions.
builder.AddFlowCatalog();
// Liveness (/healthz) and readiness (/readyz: database and cluster answer) for orchestrators.
builder.AddClusterHealthChecks();
// On SIGTERM the silo drains: its activations deactivate (state is saved on every write already) and it leaves
// the membership before the process exits.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

var app = builder.Build();

app.MapHealthEndpoints();

app.Run();
