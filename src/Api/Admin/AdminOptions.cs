using System.ComponentModel.DataAnnotations;

namespace Backend.Api.Admin;

/// <summary>Settings of the admin API (section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The bearer token of <c>/admin</c> (and the dashboard's sign-in); without one, both refuse every request.</summary>
    public string? Token { get; set; }

    /// <summary>Meta's flow id per flow name, used when a send request names none (else <c>flow_name</c> is sent).</summary>
    public Dictionary<string, string> FlowIds { get; set; } = [];

    /// <summary>
    /// How long a send's <c>Idempotency-Key</c> is remembered: the same key and request within it answer the first
    /// result without sending again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}
