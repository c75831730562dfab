using System.ComponentModel.DataAnnotations;

namespace Backend.Api.Simulator;

/// <summary>The local flow simulator's settings (section <c>Simulator</c>).</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Whether <c>/dashboard/simulator</c> is mapped (it also needs the dashboard).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the relay waits for an endpoint's answer (Meta waits 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The WhatsApp id the simulated user has: the recipient of issued sessions, the sender of completions.</summary>
    [Required, RegularExpression(@"^\d{6,20}$")]
    public string Recipient { get; set; } = "15550000000";

    /// <summary>How many uploaded Flow JSON files a node keeps in memory (the oldest goes first).</summary>
    [Range(1, 10_000)]
    public int MaxUploads { get; set; } = 100;

    /// <summary>The largest Flow JSON file accepted, in bytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxFlowJsonBytes { get; set; } = 1024 * 1024;
}
