using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Backend.Grains.Sessions;

/// <summary>
/// What a session persists. Sensitive fields never enter it. The values collected from decrypted requests and the
/// completion's response are stored only sealed (<see cref="SealedData"/>, under <c>Accounts:DataKey</c>); without a
/// key they live in memory only, for as long as the activation.
/// </summary>
[GenerateSerializer, Alias("flow-session-state")]
public sealed class FlowSessionState
{
    [Id(0)]
    public string FlowName { get; set; } = "";

    [Id(1)]
    public FlowSessionStatus Status { get; set; }

    // Id 2 was Issued (always true once stored, never read): retired, not reused.

    [Id(3)]
    public string? Recipient { get; set; }

    [Id(4)]
    public string? CurrentScreen { get; set; }

    [Id(5)]
    [JsonIgnore]
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
    [JsonIgnore]
    public JsonObject? CompletionResponse { get; set; }

    [Id(14)]
    public string? InvalidationReason { get; set; }

    /// <summary><see cref="Collected"/> and <see cref="CompletionResponse"/>, sealed as they were at the last save.</summary>
    [Id(15)]
    public string? SealedData { get; set; }

    /// <summary>
    /// Every screen this session has reached (a request's screen or an answer's next screen), once each, for the
    /// dashboard's funnel. Kept whole while <see cref="History"/> drops its oldest steps.
    /// </summary>
    [Id(16)]
    public List<string> Reached { get; set; } = [];
}

/// <summary>What <see cref="FlowSessionState.SealedData"/> holds.</summary>
/// <param name="Collected">The collected values.</param>
/// <param name="CompletionResponse">The completion's response, when completed.</param>
public sealed record SealedSessionData(JsonObject Collected, JsonObject? CompletionResponse);
