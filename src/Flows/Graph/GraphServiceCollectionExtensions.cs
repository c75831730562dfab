using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Backend.Flows.Graph;

/// <summary>Registers the Graph API client.</summary>
public static class GraphServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWhatsAppGraphClient"/> as a typed HttpClient with options set by
    /// <paramref name="configure"/> and validated on start. Returns the HttpClient builder so
    /// handlers (proxy, test handler) can be added.
    /// </summary>
    public static IHttpClientBuilder AddWhatsAppGraphClient(this IServiceCollection services, Action<WhatsAppGraphOptions> configure)
    {
        services.AddOptions<WhatsAppGraphOptions>().Configure(configure).ValidateOnStart();
        return AddClient(services);
    }

    /// <summary>Registers the client with options bound from a configuration section (e.g. <c>WhatsAppGraph</c>).</summary>
    public static IHttpClientBuilder AddWhatsAppGraphClient(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<WhatsAppGraphOptions>().Bind(section).ValidateOnStart();
        return AddClient(services);
    }

    private static IHttpClientBuilder AddClient(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WhatsAppGraphOptions>, WhatsAppGraphOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services.AddHttpClient<IWhatsAppGraphClient, WhatsAppGraphClient>();
    }
}
