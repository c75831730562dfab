using Microsoft.Extensions.Options;

namespace Backend.Flows.Graph;

/// <summary>
/// Settings of the Graph API client: where Meta's Graph API is, which version to call, the token
/// and the business ids the calls default to. Bind from configuration or set in code; the
/// options are validated when the client is first resolved (and on start when the host validates options).
/// </summary>
public sealed class WhatsAppGraphOptions
{
    /// <summary>The configuration section name used by <c>AddWhatsAppGraphClient(IConfiguration)</c>.</summary>
    public const string SectionName = "WhatsAppGraph";

    /// <summary>Graph API base address without version; default <c>https://graph.facebook.com</c>.</summary>
    public Uri BaseUrl { get; set; } = new("https://graph.facebook.com");

    /// <summary>Graph API version path segment, e.g. <c>v23.0</c>.</summary>
    public string ApiVersion { get; set; } = "v23.0";

    /// <summary>
    /// System-user or user access token with <c>whatsapp_business_management</c> and
    /// <c>whatsapp_business_messaging</c>. Sent only as <c>Authorization: Bearer</c>; never logged.
    /// </summary>
    public string AccessToken { get; set; } = "";

    /// <summary>WhatsApp Business Account id used by create, list and migrate.</summary>
    public string? WabaId { get; set; }

    /// <summary>Phone number id used by sending and by the business public key calls.</summary>
    public string? PhoneNumberId { get; set; }

    /// <summary>How many times an idempotent call is retried after a transient failure (0 disables retries).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; doubles each retry, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between attempts. A <c>Retry-After</c> asking for longer ends the retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time limit of one HTTP attempt (a timed-out idempotent call is retried).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Send <c>flow_action_payload.data</c> as a JSON string instead of an object. Meta's current
    /// "Sending a Flow" page says string; its Postman collection and older docs send an object
    /// (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow; see docs/graph-api.md). Default: object.
    /// </summary>
    public bool SendFlowActionDataAsString { get; set; }

    /// <summary>The versioned API root, e.g. <c>https://graph.facebook.com/v23.0/</c>.</summary>
    public Uri VersionedBaseUrl => new(BaseUrl.AbsoluteUri.TrimEnd('/') + "/" + ApiVersion + "/");

    /// <summary>Describes the options with the access token masked.</summary>
    public override string ToString() =>
        $"BaseUrl={BaseUrl}, ApiVersion={ApiVersion}, AccessToken={SecretMask.Mask(AccessToken)}, WabaId={WabaId}, PhoneNumberId={PhoneNumberId}";
}

/// <summary>Masks secrets for display: keeps a short tail so two tokens can be told apart.</summary>
public static class SecretMask
{
    /// <summary>Returns <c>(not set)</c>, <c>****</c> or <c>****abcd</c> for long values.</summary>
    public static string Mask(string? secret) => string.IsNullOrEmpty(secret)
        ? "(not set)"
        : secret.Length < 16 ? "****" : "****" + secret[^4..];
}

/// <summary>Validates <see cref="WhatsAppGraphOptions"/>.</summary>
public sealed class WhatsAppGraphOptionsValidator : IValidateOptions<WhatsAppGraphOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WhatsAppGraphOptions options)
    {
        var failures = new List<string>();
        if (options.BaseUrl is null || !options.BaseUrl.IsAbsoluteUri
            || (options.BaseUrl.Scheme != Uri.UriSchemeHttps && options.BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("BaseUrl must be an absolute http(s) URL.");
        }
        else if (options.BaseUrl.Scheme == Uri.UriSchemeHttp && !options.BaseUrl.IsLoopback)
        {
            // The token travels in a header: plain HTTP is only acceptable to a local test server.
            failures.Add("BaseUrl must use https unless it points to a loopback address.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiVersion) || !IsVersion(options.ApiVersion))
        {
            failures.Add("ApiVersion must look like v23.0.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            failures.Add("AccessToken is required.");
        }
        else if (options.AccessToken.Any(char.IsWhiteSpace))
        {
            failures.Add("AccessToken must not contain whitespace.");
        }

        if (options.WabaId is { } waba && !GraphIds.IsValid(waba))
        {
            failures.Add("WabaId must be a Graph object id (digits).");
        }

        if (options.PhoneNumberId is { } phone && !GraphIds.IsValid(phone))
        {
            failures.Add("PhoneNumberId must be a Graph object id (digits).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add("MaxRetries must be between 0 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryBaseDelay)
        {
            failures.Add("RetryBaseDelay must be non-negative and not above MaxRetryDelay.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            failures.Add("AttemptTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsVersion(string v) =>
        v.Length >= 4 && v[0] == 'v' && v[1..].Split('.') is [var major, var minor]
        && major.Length > 0 && minor.Length > 0 && major.All(char.IsAsciiDigit) && minor.All(char.IsAsciiDigit);
}

/// <summary>Graph object ids (flows, WABAs, phone numbers) are decimal digits.</summary>
internal static class GraphIds
{
    public static bool IsValid(string id) => id.Length is > 0 and <= 32 && id.All(char.IsAsciiDigit);

    public static string Require(string? id, string what) =>
        id is not null && IsValid(id)
            ? id
            : throw new ArgumentException($"{what} must be a Graph object id (digits), got '{id}'.", what);
}
