using System.Net;
using Backend.TestSupport.Postgres;

namespace Backend.Api.Tests.SignUp;

/// <summary>/healthz says the process is alive; /readyz says it can serve: database and cluster answer.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task WithTheDatabaseDownTheApiIsAliveButNotReadyAndReadyAgainWhenItReturns()
    {
        var server = await PostgresServer.StartPrivateAsync();
        var database = await server.CreateDatabaseAsync("readiness");
        using var api = new ProductApi(database.ConnectionString);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "/readyz"));
        await server.StopAsync();
        var down = await StatusAsync(api, "/readyz");
        var alive = await StatusAsync(api, "/healthz");
        await server.StartAsync();
        var again = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 20 && again != HttpStatusCode.OK; i++)
        {
            await Task.Delay(250);
            again = await StatusAsync(api, "/readyz");
        }

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK), (down, alive, again));
    }

    private static async Task<HttpStatusCode> StatusAsync(ProductApi api, string path)
    {
        using var response = await api.Http.GetAsync(path);
        return response.StatusCode;
    }
}
