using System.ComponentModel.DataAnnotations;

namespace Backend.Api.Webhook;

/// <summary>Settings of <c>/webhook</c> (section <c>Webhook</c>); the verify token and app secret are in <c>Meta</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhook";

    /// <summary>Largest accepted notification. Meta batches up to 1000 updates in one POST.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How many delivered message ids are remembered to drop Meta's re-deliveries.</summary>
    [Range(1, 10_000_000)]
    public int DeduplicationCapacity { get; set; } = 200_000;

    /// <summary>How long a message id is remembered. Meta retries failed deliveries for up to 36 hours.</summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromHours(48);
}
