using Backend.Flows.Graph;
using Backend.TestSupport.Graph;

namespace Backend.Flows.Tests.Graph;

/// <summary>Each test gets a client and its own fake Graph server; afterwards no request may have been rejected as off-protocol.</summary>
public abstract class GraphClientTest : IAsyncLifetime
{
    protected GraphClientFixture Fixture { get; set; } = null!;

    protected FakeGraphServer Server => Fixture.Server;

    protected IWhatsAppGraphClient Client => Fixture.Client;

    public Task InitializeAsync()
    {
        Fixture = new GraphClientFixture();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        var rejections = Server.Rejections;
        await Fixture.DisposeAsync();
        Assert.Empty(rejections);
    }
}
