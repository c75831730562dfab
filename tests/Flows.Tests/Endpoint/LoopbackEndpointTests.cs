using Backend.Flows.Endpoint;

namespace Backend.Flows.Tests.Endpoint;

/// <summary>The simulator's rule for endpoints: on this machine, over http(s), without credentials.</summary>
public sealed class LoopbackEndpointTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080/flows/sign_up")]
    [InlineData("https://127.0.0.1/flows/x")]
    [InlineData("http://127.8.9.10/flows/x")]
    [InlineData("http://[::1]:8080/flow")]
    [InlineData("http://localhost:3000/")]
    [InlineData("http://LOCALHOST/")]
    public void AnEndpointOnThisMachineIsAccepted(string url)
    {
        Assert.True(LoopbackEndpoint.TryParse(url, out var uri));
        Assert.Equal(new Uri(url), uri);
    }

    [Theory]
    [InlineData("http://example.com/flows/x")]
    [InlineData("http://10.0.0.1/flows/x")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://0.0.0.0:5080/")]
    [InlineData("http://localhost.example.com/")]
    [InlineData("http://127.0.0.1.nip.io/")]
    [InlineData("http://user:secret@127.0.0.1/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/flows/sign_up")]
    [InlineData("")]
    [InlineData(null)]
    public void AnythingElseIsRefused(string? url) => Assert.False(LoopbackEndpoint.TryParse(url, out _));
}
