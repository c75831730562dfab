using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Backend.Api.Faults;
using Backend.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Backend.Api.Limits;

/// <summary>Settings of the per-node load limit (section <c>Limits</c>).</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Limits";

    /// <summary>Requests a node works on at once (endpoint, webhook, admin); health checks are not counted.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>
    /// Requests that may wait for a slot; beyond them a request is shed at once with 503 and <c>Retry-After</c>,
    /// so a burst cannot grow memory without bound. Waiting requests still count against the endpoint's deadline.
    /// </summary>
    [Range(0, 1_000_000)]
    public int QueueLength { get; set; } = 1024;
}

/// <summary>
/// A bounded queue in front of the node: at most <see cref="RequestLimitOptions.MaxConcurrentRequests"/> requests
/// run, at most <see cref="RequestLimitOptions.QueueLength"/> wait (oldest first), the rest answer 503.
/// </summary>
public static class RequestLimits
{
    /// <summary>Registers the limiter with its validated options.</summary>
    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RequestLimitOptions>>((limiter, limits) =>
        {
            // One limiter for the whole node (one partition), health checks aside: an orchestrator must see a busy
            // node as alive.
            var settings = limits.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                HealthEndpoints.Serves(http.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("health")
                    : RateLimitPartition.GetConcurrencyLimiter("node", _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = settings.MaxConcurrentRequests,
                        QueueLimit = settings.QueueLength,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    }));
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = TransientFault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }
}
