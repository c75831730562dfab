using Backend.FlowCatalog.Booking;
using Backend.Flows.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backend.FlowCatalog;

/// <summary>Registers the <see cref="Catalog"/>'s flows with a host.</summary>
public static class FlowCatalogHostingExtensions
{
    /// <summary>
    /// Registers every flow of the <see cref="Catalog"/> (served at <c>/flows/{name}</c>, issued through the admin
    /// API) and the flows' settings (<see cref="BookingOptions"/>, validated at start). Both kinds of host call it:
    /// the silos run the handlers; an Api node that is only a client of the cluster needs the same definitions to
    /// know which flows it serves and to address their first screen.
    /// </summary>
    public static IHostApplicationBuilder AddFlowCatalog(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        foreach (var flow in Catalog.All)
        {
            builder.Services.AddFlow(flow.DefinitionType);
        }
        return builder;
    }
}
