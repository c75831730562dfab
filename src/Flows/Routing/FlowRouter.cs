using Backend.Flows.Endpoint;

namespace Backend.Flows.Routing;

/// <summary>Handles one screen request; return the next screen, close the flow, or invalidate the token.</summary>
public delegate ValueTask<FlowResponse> FlowRequestHandler(FlowRequestContext context);

/// <summary>Decides whether a route applies to a request (PyWa's <c>filters</c>).</summary>
public delegate ValueTask<bool> FlowRequestPredicate(FlowRequestContext context);

/// <summary>
/// Routes screen requests to handlers by action, screen and an optional predicate; the first matching route
/// wins, in the order routes were added, and the default handler takes what no route matched. This is the C#
/// form of PyWa's <c>on_flow_request(...).on(action=, screen=, filters=)</c>.
/// </summary>
public sealed class FlowRouter
{
    private readonly List<Route> _routes = [];
    private FlowRequestHandler? _default;

    /// <summary>The routes, in matching order (for diagnostics and docs).</summary>
    public IReadOnlyList<string> Describe() =>
        [.. _routes.Select(r => $"{r.Action?.ToString() ?? "*"} {r.Screen ?? "*"}{(r.When is null ? "" : " when …")}"),
         .. _default is null ? Array.Empty<string>() : ["default"]];

    /// <summary>Adds a route. <paramref name="screen"/> <see langword="null"/> matches any screen.</summary>
    public FlowRouter On(FlowRequestAction? action, string? screen, FlowRequestHandler handler, FlowRequestPredicate? when = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _routes.Add(new Route(action, screen, when, handler));
        return this;
    }

    /// <summary>Adds a route with a synchronous predicate.</summary>
    public FlowRouter On(FlowRequestAction? action, string? screen, FlowRequestHandler handler, Func<FlowRequestContext, bool> when)
    {
        ArgumentNullException.ThrowIfNull(when);
        return On(action, screen, handler, context => ValueTask.FromResult(when(context)));
    }

    /// <summary>Adds a <c>data_exchange</c> route for <paramref name="screen"/>.</summary>
    public FlowRouter OnSubmit(string screen, FlowRequestHandler handler, Func<FlowRequestContext, bool>? when = null) =>
        when is null ? On(FlowRequestAction.DataExchange, screen, handler) : On(FlowRequestAction.DataExchange, screen, handler, when);

    /// <summary>Adds a <c>data_exchange</c> route for <paramref name="screen"/> with an asynchronous predicate.</summary>
    public FlowRouter OnSubmit(string screen, FlowRequestHandler handler, FlowRequestPredicate when) =>
        On(FlowRequestAction.DataExchange, screen, handler, when);

    /// <summary>Sets the handler for requests no route matches.</summary>
    public FlowRouter Default(FlowRequestHandler handler)
    {
        _default = handler ?? throw new ArgumentNullException(nameof(handler));
        return this;
    }

    /// <summary>Finds the first matching route and runs it.</summary>
    /// <returns>The response, or <see langword="null"/> when no route matched and there is no default.</returns>
    public async ValueTask<FlowResponse?> RouteAsync(FlowRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var route in _routes)
        {
            if (route.Action is { } action && action != context.Request.Action)
            {
                continue;
            }
            if (route.Screen is { } screen && !string.Equals(screen, context.Request.Screen, StringComparison.Ordinal))
            {
                continue;
            }
            if (route.When is { } when && !await when(context))
            {
                continue;
            }
            return await route.Handler(context);
        }
        return _default is null ? null : await _default(context);
    }

    private sealed record Route(FlowRequestAction? Action, string? Screen, FlowRequestPredicate? When, FlowRequestHandler Handler);
}
