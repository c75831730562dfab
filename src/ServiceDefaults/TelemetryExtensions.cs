using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Backend.ServiceDefaults;

/// <summary>Settings of telemetry export (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// The OTLP collector (e.g. <c>http://collector:4317</c>). Without it (and without the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) nothing is collected: no instrumentation runs on the request path.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The service name in exported telemetry; default: the host's application name.</summary>
    public string? ServiceName { get; set; }
}

/// <summary>Telemetry, set up once for every host (the Api, the silo): one place, the same meters everywhere.</summary>
public static class TelemetryExtensions
{
    /// <summary>Meters of Orleans (grain calls, activations, messaging, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Exports metrics (ASP.NET Core, HttpClient, .NET runtime, Orleans and <paramref name="meters"/>) and traces
    /// (ASP.NET Core, HttpClient, Orleans) with OTLP when an endpoint is configured.
    /// </summary>
    public static IHostApplicationBuilder AddServiceTelemetry(this IHostApplicationBuilder builder, params string[] meters)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        var endpoint = settings.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var otlp) || otlp.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{TelemetryOptions.Section}:OtlpEndpoint must be an absolute http or https URL.");
        }
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName ?? builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([OrleansMeter, .. meters]))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"))
            .UseOtlpExporter(OtlpExportProtocol.Grpc, otlp);
        return builder;
    }
}
