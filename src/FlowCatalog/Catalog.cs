using System.Diagnostics.CodeAnalysis;
using Backend.FlowCatalog.Booking;
using Backend.FlowCatalog.SignUp;
using Backend.Flows.FlowJson;
using Backend.Flows.Routing;

namespace Backend.FlowCatalog;

/// <summary>
/// Every flow this product ships, one folder each: the Api and the Silo register them all
/// (<see cref="FlowCatalogHostingExtensions.AddFlowCatalog"/>), the CLI uploads their Flow JSON by name. A new flow
/// is one line here (see <c>docs/adding-a-flow.md</c>).
/// </summary>
public static class Catalog
{
    /// <summary>The flows, in the order tools list them.</summary>
    public static IReadOnlyList<CatalogFlow> All { get; } =
    [
        new(SignUpNames.Flow, SignUpFlowJson.Document, typeof(SignUpFlow)),
        new(BookingNames.Flow, BookingFlowJson.Document, typeof(BookingFlow)),
    ];

    /// <summary>The flow named <paramref name="name"/>, if any.</summary>
    public static CatalogFlow? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}

/// <summary>A flow of the <see cref="Catalog"/>.</summary>
/// <param name="Name">Its name: the endpoint route <c>/flows/{name}</c> and the name sessions are issued for.</param>
/// <param name="FlowJson">The Flow JSON to upload to Meta.</param>
/// <param name="DefinitionType">Its <see cref="FlowDefinition"/> (handlers), built by the host's container.</param>
public sealed record CatalogFlow(
    string Name,
    FlowJsonDocument FlowJson,
    [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type DefinitionType);
