using Backend.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Backend.Api.Tests.Hosting;

/// <summary>Secrets as files (Docker and Kubernetes secrets): one setting per file, between appsettings and the environment.</summary>
public sealed class SecretFilesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("secret-files-");
    private readonly string _key = "SecretFilesTest" + Guid.NewGuid().ToString("N");

    private string Secrets => Path.Combine(_root.FullName, "secrets");

    private IConfiguration Build(string? appsettingsValue = null)
    {
        if (appsettingsValue is not null)
        {
            File.WriteAllText(Path.Combine(_root.FullName, "appsettings.json"), $$$"""{"{{{_key}}}":{"Value":"{{{appsettingsValue}}}"}}""");
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _root.FullName, Args = [] });
        builder.AddSecretFiles(Secrets);
        return builder.Configuration;
    }

    private void WriteSecret(string value)
    {
        Directory.CreateDirectory(Secrets);
        File.WriteAllText(Path.Combine(Secrets, _key + "__Value"), value);
    }

    [Fact]
    public void AFileNamedWithDoubleUnderscoresIsASetting()
    {
        WriteSecret("from-file");
        Assert.Equal("from-file", Build()[_key + ":Value"]);
    }

    [Fact]
    public void AFileOverridesAppsettings()
    {
        WriteSecret("from-file");
        Assert.Equal("from-file", Build(appsettingsValue: "from-appsettings")[_key + ":Value"]);
    }

    [Fact]
    public void TheEnvironmentOverridesAFile()
    {
        WriteSecret("from-file");
        Environment.SetEnvironmentVariable(_key + "__Value", "from-environment");
        try
        {
            Assert.Equal("from-environment", Build()[_key + ":Value"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(_key + "__Value", null);
        }
    }

    [Fact]
    public void WithoutTheFolderNothingChanges() =>
        Assert.Equal("from-appsettings", Build(appsettingsValue: "from-appsettings")[_key + ":Value"]);

    public void Dispose() => _root.Delete(recursive: true);
}
