using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backend.Flows.Routing;

/// <summary>Registers flow definitions with a host's services.</summary>
public static class FlowServiceCollectionExtensions
{
    /// <summary>
    /// Registers a flow definition, served at <c>/flows/{its name}</c>, and the <see cref="FlowRegistry"/> that
    /// finds it. The definition is a singleton built by the container: its constructor takes the services its
    /// handlers call (a grain factory, a clock…). Registering the same type twice registers it once.
    /// </summary>
    public static IServiceCollection AddFlow<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFlow>(this IServiceCollection services)
        where TFlow : FlowDefinition =>
        services.AddFlow(typeof(TFlow));

    /// <summary>Registers the flow definition of type <paramref name="definitionType"/> (see <see cref="AddFlow{TFlow}"/>).</summary>
    public static IServiceCollection AddFlow(
        this IServiceCollection services, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type definitionType)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(definitionType);
        if (!typeof(FlowDefinition).IsAssignableFrom(definitionType) || definitionType.IsAbstract)
        {
            throw new ArgumentException($"{definitionType.Name} is not a concrete {nameof(FlowDefinition)}.", nameof(definitionType));
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(FlowDefinition), definitionType));
        services.TryAddSingleton<FlowRegistry>();
        return services;
    }
}
