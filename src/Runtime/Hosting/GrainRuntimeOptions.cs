using Microsoft.Extensions.Options;
using Npgsql;

namespace Backend.Runtime;

/// <summary>Where grain state is kept.</summary>
public enum GrainStorageKind
{
    /// <summary>In process memory; lost when the process stops. The single-process default.</summary>
    Memory,

    /// <summary>PostgreSQL, table <c>grain_state</c>; required for more than one process.</summary>
    Postgres,
}

/// <summary>
/// Settings of the grain runtime, bound from the <c>GrainRuntime</c> configuration section over
/// the defaults below and validated when the host starts.
/// </summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "GrainRuntime";

    /// <summary>Storage provider for <c>[PersistentState]</c>. Default: <see cref="GrainStorageKind.Memory"/>.</summary>
    public GrainStorageKind Storage { get; set; } = GrainStorageKind.Memory;

    /// <summary>Npgsql connection string; required when <see cref="Storage"/> is Postgres. Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Separates deployments sharing one database (Orleans' ServiceId). Default: <c>backend</c>.</summary>
    public string ServiceId { get; set; } = "backend";

    /// <summary>An activation that has received no call for this long is deactivated. Default: 15 minutes (Orleans: 2 hours; flow sessions are short-lived).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. Default: 1 minute (as Orleans).</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Calls allowed to wait behind the running one per activation; more are refused with a retryable error. Default: 1,000.</summary>
    public int MailboxCapacity { get; set; } = 1000;

    /// <summary>Deadline of a call, queueing included. Default: 30 seconds (Orleans' response timeout).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The endpoint other silos would reach this one on (<c>host:port</c>); part of the silo identity.</summary>
    public string AdvertisedEndpoint { get; set; } = "127.0.0.1:11111";

    /// <summary>OTLP collector URL (e.g. <c>http://localhost:4317</c>); metrics and traces are exported only when set.</summary>
    public string? OtlpEndpoint { get; set; }
}

/// <summary>Checks <see cref="GrainRuntimeOptions"/> at start; messages never echo the connection string.</summary>
public sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = GrainRuntimeOptions.SectionName;
        if (!Enum.IsDefined(options.Storage))
        {
            failures.Add($"{section}:Storage must be Memory or Postgres.");
        }
        if (options.Storage == GrainStorageKind.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add($"{section}:ConnectionString is required when {section}:Storage is Postgres.");
            }
            else if (!IsValidConnectionString(options.ConnectionString))
            {
                failures.Add($"{section}:ConnectionString is not a valid Npgsql connection string.");
            }
        }
        if (string.IsNullOrWhiteSpace(options.ServiceId) || options.ServiceId.Length > 200)
        {
            failures.Add($"{section}:ServiceId must be 1 to 200 characters.");
        }
        if (options.CollectionAge <= TimeSpan.Zero)
        {
            failures.Add($"{section}:CollectionAge must be positive.");
        }
        if (options.CollectionQuantum <= TimeSpan.Zero)
        {
            failures.Add($"{section}:CollectionQuantum must be positive.");
        }
        if (options.MailboxCapacity is < 1 or > 1_000_000)
        {
            failures.Add($"{section}:MailboxCapacity must be between 1 and 1000000.");
        }
        if (options.CallTimeout <= TimeSpan.Zero || options.CallTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{section}:CallTimeout must be positive and at most one day.");
        }
        if (string.IsNullOrWhiteSpace(options.AdvertisedEndpoint))
        {
            failures.Add($"{section}:AdvertisedEndpoint is required.");
        }
        if (!string.IsNullOrEmpty(options.OtlpEndpoint)
            && !(Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https"))
        {
            failures.Add($"{section}:OtlpEndpoint must be an absolute http or https URL.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidConnectionString(string connectionString)
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
