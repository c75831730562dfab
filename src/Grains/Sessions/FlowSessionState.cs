using System.Text.Json.Nodes;

namespace Backend.Grains.Sessions;

/// <summary>What a session persists. Sensitive fields never enter it.</summary>
public sealed class FlowSessionState
{
    public string FlowName { get; set; } = "";

    public FlowSessionStatus Status { get; set; }

    public bool Issued { get; set; }

    public string? Recipient { get; set; }

    public string? CurrentScreen { get; set; }

    public JsonObject Collected { get; set; } = [];

    public List<FlowStepRecord> History { get; set; } = [];

    public int ErrorNotifications { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? CompletionMessageId { get; set; }

    public JsonObject? CompletionResponse { get; set; }

    public string? InvalidationReason { get; set; }
}
