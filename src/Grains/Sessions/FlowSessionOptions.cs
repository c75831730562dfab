using System.ComponentModel.DataAnnotations;

namespace Backend.Grains.Sessions;

/// <summary>Which flow tokens the endpoint accepts.</summary>
public enum FlowTokenPolicy
{
    /// <summary>Only tokens this backend issued when the flow was sent; anything else answers 427.</summary>
    IssuedOnly,

    /// <summary>Any token opens a session on first use (Meta's preview and Flow Builder tests send made-up tokens).</summary>
    AnyToken,
}

/// <summary>Settings of flow sessions (section <c>FlowSessions</c>).</summary>
public sealed class FlowSessionOptions
{
    public const string Section = "FlowSessions";

    /// <summary>Which tokens open a session.</summary>
    public FlowTokenPolicy TokenPolicy { get; set; } = FlowTokenPolicy.IssuedOnly;

    /// <summary>How long a session lives after it is issued (or first used, under <see cref="FlowTokenPolicy.AnyToken"/>).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How many steps a session keeps in its history (the oldest go first). The whole state is written on every step,
    /// so each kept step costs on every write: at 50 steps the state is about 11 KB of JSON and PostgreSQL spends about
    /// twice the CPU per write that it spends at 10 (docs/performance.md). The dashboard's funnel does not depend on it.
    /// </summary>
    [Range(1, 10_000)]
    public int HistoryLimit { get; set; } = 10;

    /// <summary>The message of a 427 answer, shown to the user.</summary>
    public string InvalidTokenMessage { get; set; } = "This link is no longer valid. Please ask for a new one.";
}
