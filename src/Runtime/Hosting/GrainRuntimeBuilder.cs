using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Backend.Runtime;

/// <summary>Configures the grain runtime inside <see cref="GrainRuntimeHostingExtensions.AddGrainRuntime"/>.</summary>
public sealed class GrainRuntimeBuilder
{
    internal GrainRuntimeBuilder(IServiceCollection services, GrainRuntimeRegistrations registrations)
    {
        Services = services;
        Registrations = registrations;
    }

    /// <summary>The host's services, for registering what grains depend on.</summary>
    public IServiceCollection Services { get; }

    internal GrainRuntimeRegistrations Registrations { get; }

    /// <summary>Registers a grain class (and through it every grain interface it implements).</summary>
    public GrainRuntimeBuilder AddGrain<TGrain>()
        where TGrain : Grain
    {
        Registrations.GrainClasses.Add(typeof(TGrain));
        return this;
    }

    /// <summary>Registers every concrete grain class in <paramref name="assembly"/>.</summary>
    public GrainRuntimeBuilder AddGrainsFromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Registrations.GrainClasses.AddRange(assembly.GetTypes().Where(GrainTypeRegistry.IsGrainClass));
        return this;
    }

    /// <summary>Adjusts the options after configuration binding (code wins over configuration).</summary>
    public GrainRuntimeBuilder Configure(Action<GrainRuntimeOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    /// <summary>Adjusts the JSON options of persisted state, e.g. to add a source-generated context.</summary>
    public GrainRuntimeBuilder ConfigureStateSerializer(Action<JsonSerializerOptions> configure)
    {
        Registrations.SerializerSetup.Add(configure);
        return this;
    }

    /// <summary>Exports another meter and activity source of this name along with the runtime's over OTLP.</summary>
    public GrainRuntimeBuilder AddTelemetrySource(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Registrations.TelemetrySources.Add(name);
        return this;
    }
}

/// <summary>What the builder collected; one instance per service collection.</summary>
internal sealed class GrainRuntimeRegistrations
{
    public List<Type> GrainClasses { get; } = [];

    public List<Action<JsonSerializerOptions>> SerializerSetup { get; } = [];

    public List<string> TelemetrySources { get; } = [GrainRuntimeTelemetryNames.Name];
}
