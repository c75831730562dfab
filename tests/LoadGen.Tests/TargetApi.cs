using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Backend.Api.Endpoint;
using Backend.Api.Tests;
using Backend.Flows.Endpoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backend.LoadGen.Tests;

/// <summary>
/// The real Api as the load target: the Api tests' <see cref="FlowsApiFactory"/> with the real flows behind the
/// endpoint and the webhook, and no log capture (a load run logs too much to keep).
/// </summary>
public static class TargetApi
{
    /// <summary>The Api as configured by default, or with <paramref name="services"/> applied over its services.</summary>
    public static FlowsApiFactory Create(Action<IServiceCollection>? services = null) =>
        new() { UseTestHandler = false, UseTestSink = false, CaptureLogs = false, TestServices = services };

    /// <summary>The Api with <paramref name="handler"/> answering the flow's exchanges.</summary>
    public static FlowsApiFactory Create(IFlowExchangeHandler handler) => Create(services =>
    {
        services.RemoveAll<IFlowExchangeHandler>();
        services.AddSingleton(handler);
    });
}

/// <summary>A broken sign-up flow: INIT opens the wrong screen, or the handler throws (a 500). It keeps the tokens it saw.</summary>
public sealed class BrokenFlowHandler(bool crash) : IFlowExchangeHandler
{
    public ConcurrentBag<string> Tokens { get; } = [];

    public ValueTask<FlowExchangeOutcome> HandleAsync(string flowName, DataExchangeRequest request, CancellationToken cancellationToken)
    {
        Tokens.Add(request.FlowToken);
        return crash
            ? throw new InvalidOperationException("handler failure")
            : ValueTask.FromResult<FlowExchangeOutcome>(new FlowExchangeOutcome.Respond(
                new NextScreenResponse("WELCOME", new JsonObject { ["password_initial_value"] = "leaked-secret" })));
    }

    public ValueTask OnErrorNotificationAsync(string flowName, ErrorNotificationRequest notification, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}

/// <summary>
/// Stands in for the admin API's token issuing (<c>POST /admin/flows/sign_up/sessions</c>) so the tool's use of it
/// can be checked before the real one exists: answers <c>{"flow_token":"issued-…"}</c> to the right bearer token.
/// </summary>
public sealed class TokenIssuingStartupFilter(string adminToken) : IStartupFilter
{
    public ConcurrentBag<string> Recipients { get; } = [];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Map("/admin/flows/sign_up/sessions", issuing => issuing.Run(async http =>
        {
            if (http.Request.Method != "POST" || http.Request.Headers.Authorization != $"Bearer {adminToken}")
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            var body = await JsonNode.ParseAsync(http.Request.Body);
            var to = (string)body!["to"]!;
            Recipients.Add(to);
            await http.Response.WriteAsJsonAsync(new { flow_token = "issued-" + Guid.NewGuid().ToString("N"), to });
        }));
        next(app);
    };
}
