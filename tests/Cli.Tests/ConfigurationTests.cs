namespace Backend.Cli.Tests;

public sealed class ConfigurationTests : IAsyncLifetime
{
    private const string FileToken = "EAAGfromTheConfigFile00001111";

    private CliHarness _cli = null!;

    public Task InitializeAsync()
    {
        _cli = new CliHarness();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    private string WriteConfig(string json, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = _cli.PathOf("flows.json");
        File.WriteAllText(path, json);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public async Task MissingTokenIsAUsageErrorNamingTheWaysToSetIt()
    {
        _cli.Environment.Remove("WHATSAPP_ACCESS_TOKEN");

        var result = await _cli.RunAsync("list");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("WHATSAPP_ACCESS_TOKEN", result.Error);
        Assert.Empty(_cli.Graph.Requests);
    }

    [Fact]
    public async Task UnknownOptionsAndMissingArgumentsAreUsageErrors()
    {
        var unknown = await _cli.RunAsync("list", "--colour");
        var missing = await _cli.RunAsync("send", "--flow", "1");
        var noCommand = await _cli.RunAsync("keys");

        Assert.Equal([2, 2, 2], new[] { unknown.ExitCode, missing.ExitCode, noCommand.ExitCode });
        Assert.Contains("--colour", unknown.Error);
        Assert.Contains("--to", missing.Error);
        Assert.Contains("Run 'flows send --help'", missing.Error);
    }

    [Fact]
    public async Task FlagsOverrideTheEnvironmentWhichOverridesTheConfigFile()
    {
        _cli.Environment.Remove("WHATSAPP_ACCESS_TOKEN");
        _cli.Environment.Remove("WHATSAPP_WABA_ID");
        var config = WriteConfig($$"""{"accessToken":"{{FileToken}}","wabaId":"111","phoneNumberId":"222", /* comments are fine */ }""");
        _cli.Environment["WHATSAPP_PHONE_NUMBER_ID"] = "333";

        var result = await _cli.RunAsync("config", "show", "--config", config, "--waba-id", "444");

        Assert.Equal(0, result.ExitCode);
        var rows = result.Out.Split('\n');
        Assert.Contains(rows, r => r.Contains("accessToken") && r.Contains("****1111") && r.Contains("config"));
        Assert.Contains(rows, r => r.Contains("wabaId") && r.Contains("444") && r.Contains("flag"));
        Assert.Contains(rows, r => r.Contains("phoneNumberId") && r.Contains("333") && r.Contains("env"));
        Assert.Contains($"Config file: {config}", result.Out);
        Assert.DoesNotContain(FileToken, result.Out + result.Error);
    }

    [Fact]
    public async Task TheDefaultConfigFileIsUsedWhenPresent()
    {
        _cli.Environment.Remove("WHATSAPP_ACCESS_TOKEN");
        var dir = Path.Combine(_cli.WorkDir, ".config", "whatsapp-flows");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"), $$"""{"accessToken":"{{_cli.Graph.AccessToken}}"}""");
        File.SetUnixFileMode(Path.Combine(dir, "config.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await _cli.RunAsync("list");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(_cli.Graph.Requests);
    }

    [Fact]
    public async Task AConfigFileReadableByOthersGetsAWarning()
    {
        var config = WriteConfig($$"""{"accessToken":"{{FileToken}}"}""", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var result = await _cli.RunAsync("config", "show", "--config", config);

        Assert.Contains("readable by other users", result.Error);
    }

    [Fact]
    public async Task AMissingOrBrokenConfigFileIsAUsageError()
    {
        var missing = await _cli.RunAsync("list", "--config", _cli.PathOf("nope.json"));
        var broken = await _cli.RunAsync("list", "--config", WriteConfig("{not json"));

        Assert.Equal((2, 2), (missing.ExitCode, broken.ExitCode));
        Assert.Contains("Config file not found", missing.Error);
        Assert.Contains("is not valid", broken.Error);
    }

    [Fact]
    public async Task APlainHttpGraphUrlIsOnlyAcceptedOnLoopback()
    {
        _cli.Environment["WHATSAPP_GRAPH_BASE_URL"] = "http://graph.example.com";

        var result = await _cli.RunAsync("list");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("https", result.Error);
    }

    [Fact]
    public async Task TheTokenFlagOverridesAndAWrongTokenIsReportedWithoutEchoingIt()
    {
        var result = await _cli.RunAsync("list", "--access-token", "EAAGwrongwrongwrong99999");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Graph API error 190", result.Error);
        Assert.DoesNotContain("EAAGwrongwrongwrong99999", result.Out + result.Error);
    }
}
