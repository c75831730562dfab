using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backend.Flows.Media;

/// <summary>Settings of <see cref="FlowMediaDecryptor"/> (section <c>FlowMedia</c>).</summary>
public sealed class FlowMediaOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "FlowMedia";

    /// <summary>The pickers' default <c>max-file-size-kb</c>: 25,600 KiB (https://developers.facebook.com/docs/whatsapp/flows/reference/media_upload).</summary>
    public const int DefaultMaxFileSizeKb = 25_600;

    /// <summary>The largest plaintext accepted, in KiB, unless a call gives the picker's own <c>max-file-size-kb</c>.</summary>
    public int MaxFileSizeKb { get; set; } = DefaultMaxFileSizeKb;

    /// <summary>
    /// How long one download (headers and body) may take. Inside a data-exchange handler the request's own
    /// deadline (<c>FlowEndpoint:RequestTimeout</c>) usually ends it first.
    /// </summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the encrypted download is kept while it is checked (default: the system's temp folder). Plaintext is never written.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>Accept <c>http://</c> CDN URLs. Meta's are https; only a local test CDN needs this.</summary>
    public bool AllowInsecureHttp { get; set; }
}

/// <summary>Registers <see cref="FlowMediaDecryptor"/>.</summary>
public static class FlowMediaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FlowMediaDecryptor"/> as a typed HttpClient (so handlers get it from their services),
    /// with <see cref="FlowMediaOptions"/> bound from <paramref name="section"/> when given and validated on start.
    /// Returns the HttpClient builder so a proxy or handler can be added.
    /// </summary>
    public static IHttpClientBuilder AddFlowMediaDecryptor(this IServiceCollection services, IConfiguration? section = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<FlowMediaOptions>();
        if (section is not null)
        {
            options.Bind(section);
        }
        options
            .Validate(o => o.MaxFileSizeKb is > 0 and <= 1024 * 1024, "FlowMedia:MaxFileSizeKb must be between 1 and 1,048,576.")
            .Validate(o => o.DownloadTimeout > TimeSpan.Zero && o.DownloadTimeout <= TimeSpan.FromMinutes(10), "FlowMedia:DownloadTimeout must be positive and at most 10 minutes.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // The decryptor keeps its own timeout (FlowMedia:DownloadTimeout); HttpClient's 100 s default would race it.
        return services.AddHttpClient<FlowMediaDecryptor>(client => client.Timeout = Timeout.InfiniteTimeSpan);
    }
}
