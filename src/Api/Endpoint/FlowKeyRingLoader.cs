using System.Security.Cryptography;
using Backend.Flows.Endpoint;
using Backend.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Backend.Api.Endpoint;

/// <summary>
/// Builds the endpoint's <see cref="FlowKeyRing"/> at start-up from configuration, or, for a first run with no key
/// configured, from a development key generated once (0600) and reused on later runs.
/// </summary>
internal sealed partial class FlowKeyRingLoader(
    IOptions<FlowEndpointOptions> options, IHostEnvironment environment, ILogger<FlowKeyRingLoader> logger)
{
    public FlowKeyRing Load()
    {
        var settings = options.Value;
        if (settings.Keys.Count > 0)
        {
            var keys = settings.Keys.Select((key, index) => LoadConfigured(key, index)).ToList();
            LogKeysLoaded(logger, keys.Count);
            return new FlowKeyRing(keys);
        }
        if (settings.GenerateDevelopmentKey ?? environment.IsDevelopment())
        {
            return new FlowKeyRing([LoadOrCreateDevelopmentKey(settings)]);
        }
        throw new StartupRefusedException(
            $"No private key is configured for the Flows endpoint. Set {FlowEndpointOptions.Section}:Keys:0:Path " +
            $"(and :Passphrase for an encrypted key), or {FlowEndpointOptions.Section}:GenerateDevelopmentKey=true for a development key.");
    }

    private static RSA LoadConfigured(FlowPrivateKeyOptions key, int index)
    {
        var name = $"{FlowEndpointOptions.Section}:Keys:{index}";
        try
        {
            return (key.Path, key.Pem) switch
            {
                ({ Length: > 0 } path, null or "") => FlowKeyRing.LoadPrivateKeyFile(path, key.Passphrase),
                (null or "", { Length: > 0 } pem) => FlowKeyRing.LoadPrivateKey(pem, key.Passphrase),
                _ => throw new FlowKeyException("set exactly one of Path or Pem"),
            };
        }
        catch (FlowKeyException ex)
        {
            throw new StartupRefusedException($"{name}: {ex.Message}", ex);
        }
    }

    private RSA LoadOrCreateDevelopmentKey(FlowEndpointOptions settings)
    {
        var path = Path.GetFullPath(settings.DevelopmentKeyPath, environment.ContentRootPath);
        RSA key;
        if (File.Exists(path))
        {
            key = FlowKeyRing.LoadPrivateKeyFile(path);
            LogDevelopmentKeyReused(logger, path);
        }
        else
        {
            key = RSA.Create(2048);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var privateOnly = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                privateOnly.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var writer = new StreamWriter(path, privateOnly))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
            }
            File.WriteAllText(Path.ChangeExtension(path, ".pub.pem"), key.ExportSubjectPublicKeyInfoPem());
            LogDevelopmentKeyCreated(logger, path);
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            LogKeyReadableByOthers(logger, path);
        }
        LogPublicKey(logger, key.ExportSubjectPublicKeyInfoPem());
        return key;
    }

    [LoggerMessage(1, LogLevel.Information, "Loaded {Count} Flows private key(s) from configuration")]
    private static partial void LogKeysLoaded(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Generated a DEVELOPMENT Flows key pair at {Path} (mode 0600). Configure FlowEndpoint:Keys for production")]
    private static partial void LogDevelopmentKeyCreated(ILogger logger, string path);

    [LoggerMessage(3, LogLevel.Warning, "Using the DEVELOPMENT Flows key at {Path}. Configure FlowEndpoint:Keys for production")]
    private static partial void LogDevelopmentKeyReused(ILogger logger, string path);

    [LoggerMessage(4, LogLevel.Warning, "The private key file {Path} is readable by other users; restrict it to mode 0600")]
    private static partial void LogKeyReadableByOthers(ILogger logger, string path);

    [LoggerMessage(5, LogLevel.Information, "Business public key to upload to Meta (POST /{{phone-number-id}}/whatsapp_business_encryption):\n{PublicKeyPem}")]
    private static partial void LogPublicKey(ILogger logger, string publicKeyPem);
}
