using System.Diagnostics;
using Backend.TestSupport;

namespace Backend.Cluster.Tests;

/// <summary>
/// docker-compose.yml and the Kubernetes manifests, validated offline (no Docker engine or Kubernetes API here):
/// the Compose specification's schema with dclint's rules, and the Kubernetes OpenAPI schemas of kubernetes-models.
/// Each check is also shown a broken file, to prove it can fail.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = TestData.RepoRoot;
    private static readonly string[] Manifests = Directory.GetFiles(Path.Combine(Root, "deploy", "k8s"), "*.yaml");

    [Fact]
    public async Task TheComposeFileIsValid() => Assert.Equal("", await ValidateAsync("compose", Path.Combine(Root, "docker-compose.yml")));

    [Fact]
    public async Task EveryKubernetesManifestIsValid()
    {
        Assert.NotEmpty(Manifests);
        Assert.Equal("", await ValidateAsync("k8s", Manifests));
    }

    [Fact]
    public async Task AComposeFileWithAnUnknownKeyOrAWrongTypeFails()
    {
        var compose = await File.ReadAllTextAsync(Path.Combine(Root, "docker-compose.yml"));
        foreach (var broken in new[]
        {
            compose.Replace("    restart: unless-stopped\n    deploy:", "    restart: unless-stopped\n    replica_count: 2\n    deploy:", StringComparison.Ordinal),
            compose.Replace("      - '0.0.0.0:8080:80'", "      - [8080, 80]", StringComparison.Ordinal),
        })
        {
            Assert.NotEqual(compose, broken);
            Assert.Contains("invalid-schema", await ValidateAsync("compose", await TemporaryAsync(broken, "yml")));
        }
    }

    [Fact]
    public async Task AManifestWithAWrongTypeOrAnUnknownKindFails()
    {
        var api = await File.ReadAllTextAsync(Path.Combine(Root, "deploy", "k8s", "api.yaml"));
        var wrongType = api.Replace("containerPort: 8080", "containerPort: http-port", StringComparison.Ordinal);
        var unknownKind = api.Replace("kind: Service\n", "kind: Servce\n", StringComparison.Ordinal);

        Assert.Contains("containerPort must be integer", await ValidateAsync("k8s", await TemporaryAsync(wrongType, "yaml")));
        Assert.Contains("unknown apiVersion/kind v1/Servce", await ValidateAsync("k8s", await TemporaryAsync(unknownKind, "yaml")));
    }

    [Fact]
    public async Task TheImagesRunAsANonRootUserAndBakeInNoSecret()
    {
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(Root, "deploy", "Dockerfile"));
        var ignored = await File.ReadAllTextAsync(Path.Combine(Root, ".dockerignore"));

        Assert.Contains("\nUSER app\n", dockerfile);
        Assert.Contains("deploy/secrets/", ignored);
        Assert.Contains("**/.dev/", ignored);
        Assert.DoesNotContain("secret", dockerfile.Split('\n').Where(l => l.StartsWith("COPY", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
    }

    private static async Task<string> TemporaryAsync(string text, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"deploy-{Guid.NewGuid():N}.{extension}");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    /// <summary>Runs the validator; "" when the files pass, else its report.</summary>
    private static async Task<string> ValidateAsync(string mode, params string[] files)
    {
        var script = Path.Combine(Root, "tests", "Cluster.Tests", "validate", "validate.mjs");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules")),
            "the validators are not installed: run scripts/ensure-prereqs.sh");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[script, mode, .. files])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var report = (await output + await errors).Trim();
        return process.ExitCode == 0 ? "" : report.Length > 0 ? report : $"exit {process.ExitCode}";
    }
}
