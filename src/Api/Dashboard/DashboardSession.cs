using Backend.Flows.Endpoint;
using Backend.Grains;

namespace Backend.Api.Dashboard;

/// <summary>
/// One session as the dashboard shows it: its key and fingerprint (never the token), status, a masked recipient,
/// and its screen path with timings and error messages. What the user typed (collected data, the completion's
/// response) is left out altogether.
/// </summary>
public sealed record DashboardSession(
    string SessionKey,
    string Fingerprint,
    string Flow,
    FlowSessionStatus Status,
    string? Recipient,
    string? CurrentScreen,
    int ErrorNotifications,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<DashboardStep> Path)
{
    /// <summary>The dashboard's view of <paramref name="snapshot"/>.</summary>
    public static DashboardSession From(FlowSessionSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var path = new List<DashboardStep>(snapshot.History.Length);
        var previous = snapshot.CreatedAt;
        foreach (var step in snapshot.History)
        {
            path.Add(new DashboardStep(step.At, (step.At - previous).TotalMilliseconds, step.Action, step.Screen, step.NextScreen, step.Outcome, step.ErrorMessage));
            previous = step.At;
        }
        return new DashboardSession(
            snapshot.SessionKey, FlowSessionKey.Fingerprint(snapshot.SessionKey), snapshot.FlowName, snapshot.Status,
            MaskRecipient(snapshot.Recipient), snapshot.CurrentScreen, snapshot.ErrorNotifications,
            snapshot.CreatedAt, snapshot.UpdatedAt, snapshot.ExpiresAt, snapshot.CompletedAt, path);
    }

    /// <summary>A phone number with all but its last 4 digits hidden (<c>•••••••1111</c>).</summary>
    public static string? MaskRecipient(string? recipient) =>
        recipient is null ? null
        : recipient.Length <= 4 ? new string('•', recipient.Length)
        : new string('•', recipient.Length - 4) + recipient[^4..];
}

/// <summary>One step of a session's path: when, how long after the previous one, from which screen to which, and the error message shown.</summary>
public sealed record DashboardStep(
    DateTimeOffset At, double SincePreviousMs, FlowRequestAction Action, string? Screen, string? NextScreen, FlowStepOutcome Outcome, string? ErrorMessage);
