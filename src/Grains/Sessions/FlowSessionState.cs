using System.Text.Json.Nodes;

namespace Backend.Grains.Sessions;

/// <summary>What a session persists. Sensitive fields never enter it.</summary>
[GenerateSerializer, Alias("flow-session-state")]
public sealed class FlowSessionState
{
    [Id(0)]
    public string FlowName { get; set; } = "";

    [Id(1)]
    public FlowSessionStatus Status { get; set; }

    [Id(2)]
    public bool Issued { get; set; }

    [Id(3)]
    public string? Recipient { get; set; }

    [Id(4)]
    public string? CurrentScreen { get; set; }

    [Id(5)]
    public JsonObject Collected { get; set; } = [];

    [Id(6)]
    public List<FlowStepRecord> History { get; set; } = [];

    [Id(7)]
    public int ErrorNotifications { get; set; }

    [Id(8)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(9)]
    public DateTimeOffset UpdatedAt { get; set; }

    [Id(10)]
    public DateTimeOffset? ExpiresAt { get; set; }

    [Id(11)]
    public DateTimeOffset? CompletedAt { get; set; }

    [Id(12)]
    public string? CompletionMessageId { get; set; }

    [Id(13)]
    public JsonObject? CompletionResponse { get; set; }

    [Id(14)]
    public string? InvalidationReason { get; set; }
}
