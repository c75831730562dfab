using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Backend.Runtime;

/// <summary>
/// Exports the runtime's metrics and traces with the OpenTelemetry SDK and its OTLP exporter when
/// <see cref="GrainRuntimeOptions.OtlpEndpoint"/> is set. OpenTelemetry.Extensions.Hosting is not
/// available here, so the providers are built and disposed by this service.
/// </summary>
internal sealed class GrainRuntimeTelemetry(
    IOptions<GrainRuntimeOptions> options,
    GrainRuntimeRegistrations registrations,
    ILogger<GrainRuntimeTelemetry> logger) : IHostedService, IDisposable
{
    private MeterProvider? _meters;
    private TracerProvider? _traces;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = options.Value.OtlpEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            return Task.CompletedTask;
        }
        var uri = new Uri(endpoint);
        var sources = registrations.TelemetrySources.Distinct().ToArray();
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName: options.Value.ServiceId);
        _meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(sources)
            .AddOtlpExporter(exporter => exporter.Endpoint = uri)
            .Build();
        _traces = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(sources)
            .AddOtlpExporter(exporter => exporter.Endpoint = uri)
            .Build();
        // Only scheme, host and port: a URL may carry credentials.
        RuntimeLog.TelemetryExport(logger, uri.GetLeftPart(UriPartial.Authority));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _meters?.Dispose();
        _traces?.Dispose();
        _meters = null;
        _traces = null;
    }
}
