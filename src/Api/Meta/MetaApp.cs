using Backend.Flows.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Backend.Api.Meta;

/// <summary>
/// What the data endpoint and the webhook share about the Meta app: its settings (<see cref="MetaOptions"/>) and the
/// <c>X-Hub-Signature-256</c> check keyed by its app secrets. Both features call <see cref="AddMetaApp"/>; it
/// registers each service once, whichever feature comes first.
/// </summary>
public static class MetaApp
{
    /// <summary>Registers <see cref="MetaOptions"/> (section <c>Meta</c>) and <see cref="HubSignature"/>, once.</summary>
    public static IServiceCollection AddMetaApp(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(HubSignature)))
        {
            return services;
        }
        services.AddOptions<MetaOptions>().BindConfiguration(MetaOptions.Section);
        services.TryAddSingleton(sp => new HubSignature(sp.GetRequiredService<IOptions<MetaOptions>>().Value.AppSecrets));
        return services;
    }
}
