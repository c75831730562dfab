using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Backend.Runtime.Tests;

public sealed class CoHostingTests
{
    [Fact]
    public async Task AWebApplicationCoHostsTheRuntimeAndItsEndpointsCallGrains()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<Probe>();
        builder.AddGrainRuntime(runtime => runtime.AddGrain<CounterGrain>());
        await using var app = builder.Build();
        app.MapPost("/counters/{key}", async (string key, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<ICounterGrain>(key).Increment()));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        await http.PostAsync(new Uri("/counters/web", UriKind.Relative), content: null);
        var second = await http.PostAsync(new Uri("/counters/web", UriKind.Relative), content: null);

        Assert.Equal(2, await second.Content.ReadFromJsonAsync<int>());
        await app.StopAsync();
    }
}
