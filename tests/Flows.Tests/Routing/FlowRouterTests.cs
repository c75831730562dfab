using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Flows.Routing;

namespace Backend.Flows.Tests.Routing;

public sealed class FlowRouterTests
{
    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private static FlowRequestContext Request(FlowRequestAction action, string? screen, JsonObject? data = null) =>
        new("test", new DataExchangeRequest("3.0", action, screen, data ?? [], "token", null), new NoServices(), CancellationToken.None);

    private static async Task<string?> ScreenOf(FlowRouter router, FlowRequestContext context) =>
        (await router.RouteAsync(context) as NextScreenResponse)?.Screen;

    [Fact]
    public async Task TheFirstMatchingRouteWinsInTheOrderRoutesWereAdded()
    {
        var router = new FlowRouter()
            .OnSubmit("SIGN_UP", c => c.Screen("LOGIN"), when: c => c.Text("email") == "taken@example.com")
            .OnSubmit("SIGN_UP", c => c.Screen("SIGN_UP", errorMessage: "Passwords do not match"), when: c => c.Text("password") != c.Text("confirm_password"))
            .OnSubmit("SIGN_UP", c => c.Screen("CREATED"));

        Assert.Equal("LOGIN", await ScreenOf(router, Request(FlowRequestAction.DataExchange, "SIGN_UP", new JsonObject { ["email"] = "taken@example.com", ["password"] = "a" })));
        Assert.Equal("SIGN_UP", await ScreenOf(router, Request(FlowRequestAction.DataExchange, "SIGN_UP", new JsonObject { ["password"] = "a", ["confirm_password"] = "b" })));
        Assert.Equal("CREATED", await ScreenOf(router, Request(FlowRequestAction.DataExchange, "SIGN_UP", new JsonObject { ["password"] = "a", ["confirm_password"] = "a" })));
    }

    [Fact]
    public async Task RoutesMatchOnActionAndScreen()
    {
        var router = new FlowRouter()
            .On(FlowRequestAction.Init, null, c => c.Screen("START"))
            .On(FlowRequestAction.Back, "LOGIN", c => c.Screen("START_AGAIN"))
            .OnSubmit("LOGIN", c => c.Screen("LOGIN_SUCCESS"));

        Assert.Equal("START", await ScreenOf(router, Request(FlowRequestAction.Init, null)));
        Assert.Equal("START_AGAIN", await ScreenOf(router, Request(FlowRequestAction.Back, "LOGIN")));
        Assert.Equal("LOGIN_SUCCESS", await ScreenOf(router, Request(FlowRequestAction.DataExchange, "LOGIN")));
        Assert.Null(await router.RouteAsync(Request(FlowRequestAction.DataExchange, "SIGN_UP")));
    }

    [Fact]
    public async Task TheDefaultTakesWhatNoRouteMatched()
    {
        var router = new FlowRouter().OnSubmit("A", c => c.Screen("B")).Default(c => c.Screen("FALLBACK"));
        Assert.Equal("FALLBACK", await ScreenOf(router, Request(FlowRequestAction.DataExchange, "UNKNOWN")));
    }

    [Fact]
    public async Task AsyncPredicatesAreAwaitedAndSkippedWhenFalse()
    {
        var calls = 0;
        var router = new FlowRouter()
            .OnSubmit("A", c => c.Screen("NEVER"), async c => { await Task.Yield(); calls++; return false; })
            .OnSubmit("A", c => c.Screen("B"));

        Assert.Equal("B", await ScreenOf(router, Request(FlowRequestAction.DataExchange, "A")));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task CloseCarriesTheFlowTokenAndParams()
    {
        var router = new FlowRouter().OnSubmit("LOGIN_SUCCESS", c => c.Close(new JsonObject { ["stay_logged_in"] = c.Flag("stay_logged_in") }));

        var response = Assert.IsType<CloseFlowResponse>(await router.RouteAsync(Request(FlowRequestAction.DataExchange, "LOGIN_SUCCESS", new JsonObject { ["stay_logged_in"] = true })));
        Assert.Equal("token", response.FlowToken);
        Assert.True((bool)response.Params!["stay_logged_in"]!);
    }

    [Fact]
    public async Task HandlersInvalidateTokensByThrowing()
    {
        var router = new FlowRouter().Default(_ => throw FlowRequestContext.Invalidate("Already used"));
        var ex = await Assert.ThrowsAsync<FlowTokenInvalidatedException>(async () => await router.RouteAsync(Request(FlowRequestAction.Init, null)));
        Assert.Equal("Already used", ex.UserMessage);
    }

    [Fact]
    public void TextAndFlagReadFormFieldsForgivingly()
    {
        var context = Request(FlowRequestAction.DataExchange, "S", new JsonObject { ["s"] = "x", ["n"] = 3, ["b"] = true });
        Assert.Equal(("x", "", "", true, false), (context.Text("s"), context.Text("n"), context.Text("missing"), context.Flag("b"), context.Flag("s")));
    }

    [Fact]
    public void DescribeListsRoutesInMatchingOrder()
    {
        var router = new FlowRouter().OnSubmit("A", c => c.Screen("B"), when: _ => true).On(FlowRequestAction.Init, null, c => c.Screen("A")).Default(c => c.Screen("A"));
        Assert.Equal(["DataExchange A when …", "Init *", "default"], router.Describe());
    }
}
