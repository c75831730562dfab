namespace Backend.Cli.Tests;

/// <summary>Each test gets the tool and its own fake Graph server; afterwards no request may have been rejected as off-protocol.</summary>
public abstract class FakeGraphCliTest : IAsyncLifetime
{
    protected CliHarness Cli { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Cli = new CliHarness();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        var rejections = Cli.Graph.Rejections;
        await Cli.DisposeAsync();
        Assert.Empty(rejections);
    }
}
