namespace Backend.TestSupport;

/// <summary>
/// Locates the repository root and the <c>shared/</c> folder that sits next to it
/// (protocol vectors, golden Flow JSON, seeds). <c>BACKEND_SHARED_DIR</c> overrides the latter.
/// </summary>
public static class SharedFolder
{
    private static readonly Lazy<string> RepoRootPath = new(FindRepoRoot);
    private static readonly Lazy<string> SharedPath = new(FindShared);

    /// <summary>The folder that holds <c>Backend.sln</c>.</summary>
    public static string RepoRoot => RepoRootPath.Value;

    /// <summary>The <c>shared/</c> folder beside the repository.</summary>
    public static string Root => SharedPath.Value;

    /// <summary>A path inside <c>shared/</c>, e.g. <c>Path("golden", "sign-up-flow.json")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Backend.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Backend.sln not found above {AppContext.BaseDirectory}");
    }

    private static string FindShared()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BACKEND_SHARED_DIR");
        var candidate = string.IsNullOrEmpty(fromEnvironment)
            ? System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared"))
            : fromEnvironment;
        if (!Directory.Exists(System.IO.Path.Combine(candidate, "protocol")))
        {
            throw new InvalidOperationException(
                $"The shared folder was not found at {candidate}; set BACKEND_SHARED_DIR to its location.");
        }
        return candidate;
    }
}
