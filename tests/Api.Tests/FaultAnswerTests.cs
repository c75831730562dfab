using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Backend.Api.Tests;

/// <summary>Our own faults answer a retryable 503; a client's unreadable request keeps its 4xx.</summary>
public sealed class FaultAnswerTests : IClassFixture<FlowsApiFactory>
{
    private readonly FlowsApiFactory _api;

    public FaultAnswerTests(FlowsApiFactory api) => _api = api;

    [Fact]
    public async Task AStepWhoseStateCouldNotBeSavedAnswers503WithRetryAfterAndNoDetail()
    {
        var meta = _api.Meta();
        using var response = await meta.PostAsync("/flows/sign_up", meta.Seal("""{"version":"3.0","action":"INIT","flow_token":"unsaved"}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain("57P01", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InDevelopmentAnUnreadableAdminBodyIsA400ProblemNotA500()
    {
        using var factory = new FlowsApiFactory { Environment = "Development" };
        factory.Settings["Admin:Token"] = "dev-admin";
        using var http = factory.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/flows/sign_up/sessions")
        {
            Content = new StringContent("{not json", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-admin");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync()); // no stack trace
    }
}
