using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.KeyPerFile;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Backend.ServiceDefaults;

/// <summary>Secrets as files, the way Docker and Kubernetes hand them to a container.</summary>
public static class SecretFilesExtensions
{
    /// <summary>Where secret files are read from unless <c>SECRETS_DIRECTORY</c> says otherwise.</summary>
    public const string DefaultDirectory = "/run/secrets";

    /// <summary>
    /// Reads one setting per file from <c>/run/secrets</c> (or <c>SECRETS_DIRECTORY</c>), when it exists: a file
    /// named <c>Meta__AppSecret</c> holds <c>Meta:AppSecret</c>. Secrets stay out of images, command lines and
    /// environment listings; the files override appsettings but not the environment or the command line.
    /// </summary>
    public static IHostApplicationBuilder AddSecretFiles(this IHostApplicationBuilder builder) =>
        builder.AddSecretFiles(Environment.GetEnvironmentVariable("SECRETS_DIRECTORY") ?? DefaultDirectory);

    /// <summary>Reads one setting per file from <paramref name="directory"/>, when it exists (see the overload above).</summary>
    public static IHostApplicationBuilder AddSecretFiles(this IHostApplicationBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(directory);
        if (Directory.Exists(directory))
        {
            // Inserted before the application's (unprefixed) environment variables, which keep the last word with
            // the command line; after appsettings.
            var sources = builder.Configuration.Sources;
            var index = sources.ToList().FindLastIndex(s => s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
            var secrets = new KeyPerFileConfigurationSource
            {
                FileProvider = new PhysicalFileProvider(Path.GetFullPath(directory)),
                Optional = true,
            };
            if (index < 0)
            {
                sources.Add(secrets);
            }
            else
            {
                sources.Insert(index, secrets);
            }
        }
        return builder;
    }
}
