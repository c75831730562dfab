namespace Backend.TestSupport;

/// <summary>
/// Locates the repository root and <c>tests/TestData</c> (recorded protocol exchanges, golden Flow JSON), which
/// the repository carries so that a clone alone runs every test.
/// </summary>
public static class TestData
{
    private static readonly Lazy<string> RepoRootPath = new(FindRepoRoot);

    /// <summary>The folder that holds <c>Backend.sln</c>.</summary>
    public static string RepoRoot => RepoRootPath.Value;

    /// <summary>A path inside <c>tests/TestData</c>, e.g. <c>Path("golden", "sign-up-flow.json")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([RepoRoot, "tests", "TestData", .. parts]);

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
}
