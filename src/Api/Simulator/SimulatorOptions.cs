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

    /// <summary>The largest picked file accepted, in bytes (a picker's own default is 25,600 KiB).</summary>
    [Range(1, 100 * 1024 * 1024)]
    public int MaxMediaBytes { get; set; } = Backend.Flows.Media.FlowMediaOptions.DefaultMaxFileSizeKb * 1024;

    /// <summary>How many picked files a node keeps (the oldest go first; in all at most 4 × <see cref="MaxMediaBytes"/>).</summary>
    [Range(1, 1000)]
    public int MaxMediaFiles { get; set; } = 20;

    /// <summary>How long a picked file can be downloaded (Meta's CDN keeps them about 20 days; the simulator, in memory, less).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan MediaLifetime { get; set; } = TimeSpan.FromHours(1);
}
