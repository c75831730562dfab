using System.CommandLine;
using System.Text.Json;
using Backend.Flows.Graph;

namespace Backend.Cli;

/// <summary>
/// Connection settings after layering: defaults, then the config file, then environment
/// variables, then flags. <see cref="Sources"/> says where each value came from.
/// </summary>
public sealed record CliSettings
{
    /// <summary>Environment variable of the access token.</summary>
    public const string AccessTokenVariable = "WHATSAPP_ACCESS_TOKEN";
    /// <summary>Environment variable of the WABA id.</summary>
    public const string WabaIdVariable = "WHATSAPP_WABA_ID";
    /// <summary>Environment variable of the phone number id.</summary>
    public const string PhoneNumberIdVariable = "WHATSAPP_PHONE_NUMBER_ID";
    /// <summary>Environment variable of the Graph base URL.</summary>
    public const string BaseUrlVariable = "WHATSAPP_GRAPH_BASE_URL";
    /// <summary>Environment variable of the Graph API version.</summary>
    public const string ApiVersionVariable = "WHATSAPP_GRAPH_API_VERSION";
    /// <summary>Environment variable naming the config file.</summary>
    public const string ConfigVariable = "WHATSAPP_FLOWS_CONFIG";

    /// <summary>Graph base URL.</summary>
    public string BaseUrl { get; init; } = "https://graph.facebook.com";

    /// <summary>Graph API version.</summary>
    public string ApiVersion { get; init; } = "v23.0";

    /// <summary>Access token (never print it: use <see cref="SecretMask"/>).</summary>
    public string? AccessToken { get; init; }

    /// <summary>WABA id.</summary>
    public string? WabaId { get; init; }

    /// <summary>Phone number id.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The config file read, if any.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Where each setting came from (default, config, env, flag).</summary>
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    /// <summary>Warnings to show (e.g. a config file with a token readable by others).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Resolves the settings for a parsed command line.</summary>
    /// <exception cref="CliUsageException">The config file is missing or malformed.</exception>
    public static CliSettings Resolve(ParseResult parse, CliContext cli)
    {
        var g = cli.Globals;
        var sources = new Dictionary<string, string>
        {
            ["graphBaseUrl"] = "default",
            ["apiVersion"] = "default",
        };
        var warnings = new List<string>();
        var settings = new CliSettings();

        var explicitConfig = parse.GetValue(g.Config)?.FullName;
        var configPath = explicitConfig ?? NonEmpty(cli.Environment(ConfigVariable)) ?? DefaultConfigPath(cli);
        if (configPath is not null && File.Exists(configPath))
        {
            settings = ReadConfig(configPath, settings, sources, warnings);
        }
        else if (explicitConfig is not null || NonEmpty(cli.Environment(ConfigVariable)) is not null)
        {
            throw new CliUsageException($"Config file not found: {configPath}");
        }

        settings = Layer(settings, sources, "env", cli.Environment(BaseUrlVariable), cli.Environment(ApiVersionVariable),
            cli.Environment(AccessTokenVariable), cli.Environment(WabaIdVariable), cli.Environment(PhoneNumberIdVariable));
        settings = Layer(settings, sources, "flag", parse.GetValue(g.GraphBaseUrl), parse.GetValue(g.ApiVersion),
            parse.GetValue(g.AccessToken), parse.GetValue(g.WabaId), parse.GetValue(g.PhoneNumberId));
        return settings with { Sources = sources, Warnings = warnings };
    }

    /// <summary>The Graph client options for these settings; fails when something required is missing.</summary>
    /// <exception cref="CliUsageException">A required setting is missing or invalid.</exception>
    public WhatsAppGraphOptions ToGraphOptions(bool needWaba = false, bool needPhone = false)
    {
        if (string.IsNullOrWhiteSpace(AccessToken))
        {
            throw new CliUsageException($"No access token: set {AccessTokenVariable}, add \"accessToken\" to the config file, or pass --access-token.");
        }

        if (needWaba && string.IsNullOrWhiteSpace(WabaId))
        {
            throw new CliUsageException($"No WABA id: set {WabaIdVariable}, add \"wabaId\" to the config file, or pass --waba-id.");
        }

        if (needPhone && string.IsNullOrWhiteSpace(PhoneNumberId))
        {
            throw new CliUsageException($"No phone number id: set {PhoneNumberIdVariable}, add \"phoneNumberId\" to the config file, or pass --phone-number-id.");
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var baseUrl))
        {
            throw new CliUsageException($"The Graph base URL '{BaseUrl}' is not an absolute URL.");
        }

        var options = new WhatsAppGraphOptions
        {
            BaseUrl = baseUrl,
            ApiVersion = ApiVersion,
            AccessToken = AccessToken,
            WabaId = NonEmpty(WabaId),
            PhoneNumberId = NonEmpty(PhoneNumberId),
        };
        var validation = new WhatsAppGraphOptionsValidator().Validate(null, options);
        return validation.Failed ? throw new CliUsageException("Invalid settings: " + string.Join(" ", validation.Failures)) : options;
    }

    private static string? DefaultConfigPath(CliContext cli)
    {
        var xdg = NonEmpty(cli.Environment("XDG_CONFIG_HOME"));
        var root = xdg ?? (string.IsNullOrEmpty(cli.HomeDirectory) ? null : Path.Combine(cli.HomeDirectory, ".config"));
        return root is null ? null : Path.Combine(root, "whatsapp-flows", "config.json");
    }

    private static CliSettings ReadConfig(string path, CliSettings settings, Dictionary<string, string> sources, List<string> warnings)
    {
        ConfigFileShape? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), CliJsonContext.Default.ConfigFileShape);
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"Config file {path} is not valid: {e.Message}");
        }

        if (file is null)
        {
            throw new CliUsageException($"Config file {path} is empty.");
        }

        if (file.AccessToken is not null && !OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            warnings.Add($"{path} holds an access token and is readable by other users: chmod 600 it.");
        }

        return Layer(settings, sources, "config", file.GraphBaseUrl, file.ApiVersion, file.AccessToken, file.WabaId, file.PhoneNumberId)
            with { ConfigFile = path };
    }

    private static CliSettings Layer(CliSettings s, Dictionary<string, string> sources, string source,
        string? baseUrl, string? apiVersion, string? token, string? waba, string? phone)
    {
        void Note(string key, string? value)
        {
            if (NonEmpty(value) is not null)
            {
                sources[key] = source;
            }
        }

        Note("graphBaseUrl", baseUrl);
        Note("apiVersion", apiVersion);
        Note("accessToken", token);
        Note("wabaId", waba);
        Note("phoneNumberId", phone);
        return s with
        {
            BaseUrl = NonEmpty(baseUrl) ?? s.BaseUrl,
            ApiVersion = NonEmpty(apiVersion) ?? s.ApiVersion,
            AccessToken = NonEmpty(token) ?? s.AccessToken,
            WabaId = NonEmpty(waba) ?? s.WabaId,
            PhoneNumberId = NonEmpty(phone) ?? s.PhoneNumberId,
        };
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>The config file: <c>{"accessToken", "wabaId", "phoneNumberId", "graphBaseUrl", "apiVersion"}</c>.</summary>
/// <param name="AccessToken">Access token.</param>
/// <param name="WabaId">WABA id.</param>
/// <param name="PhoneNumberId">Phone number id.</param>
/// <param name="GraphBaseUrl">Graph base URL.</param>
/// <param name="ApiVersion">Graph API version.</param>
public sealed record ConfigFileShape(string? AccessToken, string? WabaId, string? PhoneNumberId, string? GraphBaseUrl, string? ApiVersion);

/// <summary>A usage or configuration error: exit code 2.</summary>
/// <param name="message">What is wrong and how to fix it.</param>
public sealed class CliUsageException(string message) : Exception(message);
