using System.Text;
using Backend.Api.Faults;
using Backend.Api.Meta;
using Backend.Flows.Endpoint;
using Backend.Flows.Security;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Backend.Api.Endpoint;

/// <summary>The encrypted data endpoint Meta calls: <c>POST /flows/{name}</c>.</summary>
public static class FlowEndpointApi
{
    private const string TimeoutPolicy = "flow-endpoint";

    /// <summary>
    /// Registers the endpoint's options, keys, signature checks, pipeline, and its handler: the flow token's session
    /// grain (<see cref="GrainFlowExchangeHandler"/>) unless another <see cref="IFlowExchangeHandler"/> is registered.
    /// </summary>
    public static IHostApplicationBuilder AddFlowEndpoint(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FlowEndpointOptions>()
            .BindConfiguration(FlowEndpointOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Flows.All(IsValidFlowName), "FlowEndpoint:Flows names may contain only letters, digits, '-' and '_'.")
            .Validate<IOptions<MetaOptions>>((o, meta) => o.TokenSignature != FlowTokenSignatureMode.Required || meta.Value.AppSecrets.Any(),
                "FlowEndpoint:TokenSignature=Required needs Meta:AppSecret to verify signatures with.")
            .ValidateOnStart();
        builder.Services.AddMetaApp();

        builder.Services.AddSingleton<FlowKeyRingLoader>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<FlowKeyRingLoader>().Load());
        builder.Services.AddSingleton(sp => new FlowCipher(sp.GetRequiredService<FlowKeyRing>()));
        builder.Services.AddSingleton(sp => new FlowTokenSignature(
            sp.GetRequiredService<IOptions<MetaOptions>>().Value.AppSecrets,
            sp.GetRequiredService<IOptions<FlowEndpointOptions>>().Value.TokenSignatureClaim));
        builder.Services.AddSingleton<FlowEndpointMetrics>();
        builder.Services.AddSingleton<FlowEndpointPipeline>();
        builder.Services.AddSingleton<ServedFlows>();
        builder.Services.TryAddSingleton<IFlowExchangeHandler, GrainFlowExchangeHandler>();

        // A request that would outlive Meta's 10 s budget is cut short (504) rather than left running.
        // The policy takes its deadline from the bound, validated FlowEndpoint options.
        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<FlowEndpointOptions>>((timeouts, endpoint) =>
            timeouts.AddPolicy(TimeoutPolicy, new RequestTimeoutPolicy
            {
                Timeout = endpoint.Value.RequestTimeout,
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            }));
        return builder;
    }

    /// <summary>Maps <c>POST /flows/{name}</c> for every configured flow name.</summary>
    public static IEndpointRouteBuilder MapFlowEndpoint(this IEndpointRouteBuilder routes)
    {
        // Load the keys now so a missing key or wrong passphrase stops start-up with a clear message.
        var keys = routes.ServiceProvider.GetRequiredService<FlowKeyRing>();
        _ = keys.Count;

        var group = routes.MapGroup("/flows");
        group.WithTags("Flows endpoint").WithRequestTimeout(TimeoutPolicy);
        group.MapPost("/{name}", HandleAsync).WithName("FlowDataEndpoint");
        return routes;
    }

    private static async Task HandleAsync(
        string name, HttpContext http, FlowEndpointPipeline pipeline, ServedFlows served, IOptions<FlowEndpointOptions> options)
    {
        var settings = options.Value;
        if (!served.Contains(name))
        {
            await WriteAsync(http, new FlowEndpointResult(StatusCodes.Status404NotFound, $"No flow named '{name}' is served here.", "text/plain"));
            return;
        }
        var body = await RequestBody.ReadAsync(http.Request, settings.MaxRequestBytes, http.RequestAborted);
        if (body is null)
        {
            await WriteAsync(http, new FlowEndpointResult(StatusCodes.Status413PayloadTooLarge, $"The body exceeds {settings.MaxRequestBytes} bytes.", "text/plain"));
            return;
        }
        var result = await pipeline.ProcessAsync(name, body, http.Request.Headers[HubSignature.HeaderName], http.RequestAborted);
        await WriteAsync(http, result);
    }

    private static Task WriteAsync(HttpContext http, FlowEndpointResult result)
    {
        http.Response.StatusCode = result.Status;
        http.Response.ContentType = result.ContentType;
        if (result.Status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = TransientFault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (result.Body is null)
        {
            return Task.CompletedTask;
        }
        // A known length: Kestrel sends the body as it is, without chunked framing.
        http.Response.ContentLength = Encoding.UTF8.GetByteCount(result.Body);
        return http.Response.WriteAsync(result.Body, http.RequestAborted);
    }

    private static bool IsValidFlowName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
