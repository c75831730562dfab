using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backend.Runtime;

/// <summary>Registers the grain runtime in a host (the Silo, or the Api when it co-hosts grains).</summary>
public static class GrainRuntimeHostingExtensions
{
    /// <summary>
    /// Adds the grain runtime: options from the <c>GrainRuntime</c> section (validated at start),
    /// the configured storage provider, <see cref="IGrainFactory"/>, placement, metrics and traces,
    /// and a hosted service that starts the runtime and shuts it down gracefully with the host.
    /// May be called more than once; later calls add grains and settings.
    /// </summary>
    /// <example><code>builder.AddGrainRuntime(runtime => runtime.AddGrainsFromAssembly(typeof(CartGrain).Assembly));</code></example>
    public static IHostApplicationBuilder AddGrainRuntime(this IHostApplicationBuilder builder, Action<GrainRuntimeBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var registrations = services.LastOrDefault(d => d.ServiceType == typeof(GrainRuntimeRegistrations))?.ImplementationInstance
            as GrainRuntimeRegistrations;
        if (registrations is null)
        {
            registrations = new GrainRuntimeRegistrations();
            AddServices(services, registrations);
        }
        configure?.Invoke(new GrainRuntimeBuilder(services, registrations));
        return builder;
    }

    private static void AddServices(IServiceCollection services, GrainRuntimeRegistrations registrations)
    {
        services.AddSingleton(registrations);
        services.AddOptions<GrainRuntimeOptions>().BindConfiguration(GrainRuntimeOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainRuntimeOptions>, GrainRuntimeOptionsValidator>());

        services.TryAddSingleton(_ => new GrainTypeRegistry(registrations.GrainClasses));
        services.TryAddSingleton(_ =>
        {
            var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            registrations.SerializerSetup.ForEach(setup => setup(json));
            return new GrainStateSerializer(json);
        });
        services.TryAddSingleton<IGrainStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value;
            var serializer = sp.GetRequiredService<GrainStateSerializer>();
            return options.Storage == GrainStorageKind.Postgres
                ? new PostgresGrainStorage(options.ConnectionString!, options.ServiceId, serializer, sp.GetRequiredService<ILogger<PostgresGrainStorage>>())
                : new MemoryGrainStorage(serializer);
        });

        // The seams clustering replaces: who this silo is, and which silo owns a grain.
        services.TryAddSingleton<ILocalSiloDetails>(sp => new LocalSiloDetails(new SiloAddress(
            sp.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value.AdvertisedEndpoint,
            SiloGeneration.Next())));
        services.TryAddSingleton<IGrainPlacement, LocalGrainPlacement>();

        services.TryAddSingleton(sp => new RuntimeMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton(sp => sp.GetRequiredService<GrainRuntime>().Factory);

        // Telemetry first so it is stopped (and flushed) after the runtime has drained.
        services.AddHostedService<GrainRuntimeTelemetry>();
        services.AddHostedService<GrainRuntimeHostedService>();
    }
}

/// <summary>Silo generations: increasing across restarts of a process on the same endpoint (as Orleans).</summary>
internal static class SiloGeneration
{
    private static readonly DateTime Epoch = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static long s_last;

    public static long Next()
    {
        var candidate = (DateTime.UtcNow - Epoch).Ticks / TimeSpan.TicksPerMillisecond;
        while (true)
        {
            var last = Interlocked.Read(ref s_last);
            var next = Math.Max(candidate, last + 1);
            if (Interlocked.CompareExchange(ref s_last, next, last) == last)
            {
                return next;
            }
        }
    }
}
