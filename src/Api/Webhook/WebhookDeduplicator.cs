using Microsoft.Extensions.Options;

namespace Backend.Api.Webhook;

/// <summary>
/// Remembers delivered message ids so Meta's re-deliveries are handled once. Bounded in count and age; the oldest
/// ids go first. Per process: session grains make completion idempotent across nodes as well.
/// </summary>
internal sealed class WebhookDeduplicator(IOptions<WebhookOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();

    /// <summary>Claims <paramref name="messageId"/>; false when it was already claimed.</summary>
    public bool TryClaim(string messageId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Evict(now);
            if (_seen.ContainsKey(messageId))
            {
                return false;
            }
            _seen[messageId] = now;
            _order.Enqueue((messageId, now));
            return true;
        }
    }

    /// <summary>Releases a claim whose handling failed, so the next delivery is handled.</summary>
    public void Release(string messageId)
    {
        lock (_gate)
        {
            _seen.Remove(messageId);
        }
    }

    private void Evict(DateTimeOffset now)
    {
        var settings = options.Value;
        while (_order.TryPeek(out var oldest)
            && (_order.Count > settings.DeduplicationCapacity || now - oldest.At > settings.DeduplicationWindow))
        {
            _order.Dequeue();
            if (_seen.TryGetValue(oldest.Id, out var at) && at == oldest.At)
            {
                _seen.Remove(oldest.Id);
            }
        }
    }
}
