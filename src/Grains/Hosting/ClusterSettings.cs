using System.ComponentModel.DataAnnotations;
using Backend.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Backend.Grains.Hosting;

/// <summary>Where grain state is kept.</summary>
public enum GrainStorageKind
{
    /// <summary>In the silos' memory; lost when they stop. The single-process default.</summary>
    Memory,

    /// <summary>PostgreSQL (table <c>grain_state</c>), required for more than one process or to survive restarts.</summary>
    Postgres,
}

/// <summary>Whether an Api process hosts grains itself.</summary>
public enum ApiMode
{
    /// <summary>A silo runs inside the Api process (the single-process default).</summary>
    CoHosted,

    /// <summary>The Api is an Orleans client of a cluster of silos (<c>src/Silo</c>): stateless, any number of nodes.</summary>
    Client,
}

/// <summary>How silos find each other and clients find the silos.</summary>
public enum MembershipKind
{
    /// <summary>One silo on this machine, nothing to find (the single-process default).</summary>
    Localhost,

    /// <summary>The membership table in PostgreSQL (<see cref="ClusterSettings.ConnectionString"/>): a real cluster.</summary>
    Postgres,
}

/// <summary>
/// Settings of the silo: identity, ports, storage, timeouts (section <c>Cluster</c>; named apart from Orleans' own
/// <c>ClusterOptions</c>, which it sets). Read when the host is
/// built (Orleans is configured before the container exists) and validated then, with messages that never echo
/// the connection string.
/// </summary>
public sealed class ClusterSettings : IValidatableObject
{
    public const string Section = "Cluster";

    /// <summary>Separates deployments sharing one database (Orleans' service id; grain state is keyed by it).</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string ServiceId { get; set; } = "backend";

    /// <summary>Separates clusters of one deployment (Orleans' cluster id; e.g. blue and green).</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string ClusterId { get; set; } = "dev";

    /// <summary>Silo-to-silo port. 0 picks a free port (tests, several processes on one machine).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients connect to. 0 picks a free port; -1 runs no gateway.</summary>
    [Range(-1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>For the Api: co-host a silo, or be a client of the cluster. Silos ignore it.</summary>
    public ApiMode Mode { get; set; } = ApiMode.CoHosted;

    /// <summary>How silos find each other: alone on localhost, or through the membership table in PostgreSQL.</summary>
    public MembershipKind Membership { get; set; } = MembershipKind.Localhost;

    /// <summary>
    /// The address other silos and clients reach this silo on (a cluster); default: the host's first non-loopback
    /// address (a container's or pod's own; Kubernetes passes the pod IP).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Where grain state is kept.</summary>
    public GrainStorageKind Storage { get; set; } = GrainStorageKind.Memory;

    /// <summary>Npgsql connection string; required with <see cref="GrainStorageKind.Postgres"/>. Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>An activation idle this long is collected. Flow sessions are short-lived (Orleans' default is 2 hours).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a grain call may take before it fails (Orleans' response timeout, 30 s by default). Half the
    /// endpoint's deadline (<c>FlowEndpoint:RequestTimeout</c>, 8 s): a call lost with a dying silo fails with a
    /// retryable 503 within 4 s (Orleans does not fail a call in flight to a silo that is declared dead), and an
    /// overloaded node sheds load with 503s rather than answering Meta after its 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How concurrent grain state writes share round trips to PostgreSQL (group commit).</summary>
    public StorageWriteOptions StorageWrites { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var writes = new List<ValidationResult>();
        Validator.TryValidateObject(StorageWrites, new ValidationContext(StorageWrites), writes, validateAllProperties: true);
        foreach (var failure in writes)
        {
            yield return new ValidationResult($"{Section}:{nameof(StorageWrites)}:{string.Join(", ", failure.MemberNames)}: {failure.ErrorMessage}");
        }
        if (!string.IsNullOrEmpty(AdvertisedAddress) && !System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult($"{Section}:AdvertisedAddress must be an IP address.");
        }
        if (Storage == GrainStorageKind.Postgres || Membership == MembershipKind.Postgres)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                yield return new ValidationResult($"{Section}:ConnectionString is required when {Section}:Storage or {Section}:Membership is Postgres.");
            }
            else if (!IsConnectionString(ConnectionString))
            {
                yield return new ValidationResult($"{Section}:ConnectionString is not a valid Npgsql connection string.");
            }
        }
    }

    /// <summary>Binds the section over the defaults and validates it.</summary>
    /// <exception cref="OptionsValidationException">A setting is out of range or missing; the message lists them all.</exception>
    public static ClusterSettings From(IConfiguration configuration)
    {
        var options = new ClusterSettings();
        configuration.GetSection(Section).Bind(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var failures = results.Select(r => r.MemberNames.Any() ? $"{Section}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}" : r.ErrorMessage ?? "")
                .ToArray();
            throw new OptionsValidationException(Section, typeof(ClusterSettings), failures);
        }
        return options;
    }

    private static bool IsConnectionString(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
