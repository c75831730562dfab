using System.Net;

namespace Backend.Api.Tests;

/// <summary>A node past its concurrency limit and queue sheds requests with a retryable 503, and stays healthy.</summary>
public sealed class LoadSheddingTests
{
    [Fact]
    public async Task PastTheLimitAndTheQueueARequestGets503WithRetryAfterWhileHealthAnswers()
    {
        using var api = new FlowsApiFactory();
        api.Settings["Limits:MaxConcurrentRequests"] = "1";
        api.Settings["Limits:QueueLength"] = "0";
        api.Settings["FlowEndpoint:RequestTimeout"] = "00:00:02";
        var meta = api.Meta();

        // "slow" holds the node's only slot until its deadline.
        var slow = meta.PostAsync("/flows/sign_up", meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"slow"}"""));
        await WaitUntilAsync(() => !api.Handler.Requests.IsEmpty);
        using var shed = await meta.PostAsync("/flows/sign_up", meta.Seal("""{"version":"3.0","action":"ping"}"""));
        using var health = await api.Http().GetAsync("/healthz");
        using var held = await slow;
        using var after = await meta.PostAsync("/flows/sign_up", meta.Seal("""{"version":"3.0","action":"ping"}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, held.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }
}
