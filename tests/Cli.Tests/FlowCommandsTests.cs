using Backend.TestSupport.Graph;

namespace Backend.Cli.Tests;

public sealed class FlowCommandsTests : FakeGraphCliTest
{
    private const string ValidFlowJson = """{"version":"7.3","screens":[{"id":"A"}]}""";

    [Fact]
    public async Task CreatePrintsTheNewId()
    {
        var result = await Cli.RunAsync("create", "--name", "Sign up", "--category", "sign-up", "OTHER", "--endpoint-uri", "https://flows.example.com/sign-up");

        Assert.Equal(0, result.ExitCode);
        var flow = Assert.Single(Cli.Graph.Flows.Values);
        Assert.Equal($"Created flow {flow.Id} (Sign up).\nNo validation errors.\n", result.Out);
        Assert.Equal(["SIGN_UP", "OTHER"], flow.Categories);
        Assert.Equal("https://flows.example.com/sign-up", flow.EndpointUri);
    }

    [Fact]
    public async Task AnEndpointThatIsNotHttpsIsAUsageError()
    {
        var result = await Cli.RunAsync("create", "--name", "X", "--category", "OTHER", "--endpoint-uri", "http://flows.example.com");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("absolute https URL", result.Error);
        Assert.Empty(Cli.Graph.Requests);
    }

    [Fact]
    public async Task CreateWithATakenNameExits1WithMetasExplanation()
    {
        Cli.Graph.AddFlow("Taken");

        var result = await Cli.RunAsync("create", "--name", "Taken", "--category", "SURVEY");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Flow name is not unique", result.Error);
        Assert.Contains("fbtrace_id", result.Error);
    }

    [Fact]
    public async Task CreateWithAnUnknownCategoryIsAUsageError()
    {
        var result = await Cli.RunAsync("create", "--name", "X", "--category", "GAMES");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown category 'GAMES'", result.Error);
        Assert.Empty(Cli.Graph.Requests);
    }

    [Fact]
    public async Task UpdateSendsTheMetadata()
    {
        var flow = Cli.Graph.AddFlow("Old");

        var result = await Cli.RunAsync("update", flow.Id, "--name", "New", "--application-id", "123");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"name":"New","application_id":"123"}""", Cli.Graph.Requests.Single().BodyText);
    }

    [Fact]
    public async Task PublishDeprecateDeletePrintWhatTheyDid()
    {
        var live = Cli.Graph.AddFlow("Live", flowJson: ValidFlowJson);
        var draft = Cli.Graph.AddFlow("Draft");

        var publish = await Cli.RunAsync("publish", live.Id);
        var deprecate = await Cli.RunAsync("deprecate", "Live");
        var delete = await Cli.RunAsync("delete", draft.Id);

        Assert.Equal((0, $"Published flow {live.Id}.\n"), (publish.ExitCode, publish.Out));
        Assert.Equal((0, $"Deprecated flow {live.Id}.\n"), (deprecate.ExitCode, deprecate.Out));
        Assert.Equal((0, $"Deleted flow {draft.Id}.\n"), (delete.ExitCode, delete.Out));
    }

    [Fact]
    public async Task PublishFailureExits1WithTheReason()
    {
        var flow = Cli.Graph.AddFlow("Empty");

        var result = await Cli.RunAsync("publish", flow.Id);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("139002", result.Error);
        Assert.Contains("The flow has no Flow JSON.", result.Error);
    }

    [Fact]
    public async Task GetShowsTheFlow()
    {
        var flow = Cli.Graph.AddFlow("Shown", FlowState.Throttled, ValidFlowJson);

        var result = await Cli.RunAsync("get", flow.Id);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Shown", result.Out);
        Assert.Contains("THROTTLED", result.Out);
        Assert.Contains("LIMITED", result.Out);
        Assert.Contains($"FLOW {flow.Id}: 139001 The flow is THROTTLED.", result.Out);
        Assert.EndsWith("No validation errors.\n", result.Out);
    }

    [Fact]
    public async Task GetWithJsonPrintsTheFlowAsJson()
    {
        var flow = Cli.Graph.AddFlow("J");

        var result = await Cli.RunAsync("get", flow.Id, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"{{\"id\":\"{flow.Id}\",\"name\":\"J\",\"status\":\"DRAFT\"", result.Out);
    }

    [Fact]
    public async Task PreviewPrintsTheLink()
    {
        var flow = Cli.Graph.AddFlow("P");

        var result = await Cli.RunAsync("preview", "P", "--invalidate");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"https://business.facebook.com/wa/manage/flows/{flow.Id}/preview/?token=fake (expires 2030-01-01T00:00:00+0000)\n", result.Out);
        Assert.Equal("preview.invalidate(true)", Cli.Graph.Requests[^1].Query["fields"]);
    }

    [Fact]
    public async Task ListReadsEveryPageIntoOneTable()
    {
        for (var i = 1; i <= 3; i++)
        {
            Cli.Graph.AddFlow($"Flow {i}");
        }

        var result = await Cli.RunAsync("list", "--page-size", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, Cli.Graph.Requests.Count);
        Assert.Contains("Flow 1", result.Out);
        Assert.Contains("Flow 3", result.Out);
        Assert.EndsWith("3 flow(s).\n", result.Out);
    }

    [Fact]
    public async Task AFlowNameThatDoesNotExistIsReported()
    {
        var result = await Cli.RunAsync("publish", "Nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No flow named 'Nope'", result.Error);
    }
}
