using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;

namespace Backend.Flows.Tests.FlowJson;

public sealed class VersionRuleTests
{
    private static readonly Screen Done = new()
    {
        Id = "DONE",
        Terminal = true,
        Layout = new Layout { Children = [new TextHeading("Done"), new Footer { Label = "Close", OnClickAction = new CompleteAction() }] },
    };

    [Fact]
    public void NewFlowsDefaultToFlowJson73AndEndpointFlowsToDataApi40()
    {
        var flow = new FlowJsonDocument { Screens = [Done] };
        var endpoint = flow.WithEndpoint(new Dictionary<string, IReadOnlyList<string>> { ["DONE"] = [] });

        Assert.Equal(("7.3", null), (flow.Version, flow.DataApiVersion));
        Assert.Equal(("7.3", "4.0"), (endpoint.Version, endpoint.DataApiVersion));
        Assert.Equal("3.0", (flow with { DataApiVersion = "3.0" }).WithEndpoint(endpoint.RoutingModel!).DataApiVersion);
        Assert.Empty(FlowJsonValidator.Validate(endpoint).Errors.Concat(FlowJsonValidator.Validate(endpoint).Warnings));
    }

    [Fact]
    public void ReadingStillRequiresAVersion()
    {
        var error = Assert.Throws<FlowJsonFormatException>(() => FlowJsonSerializer.Parse("""{"screens":[]}"""));

        Assert.Contains("version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRuleHasAUniqueIdAndABoundAndEveryComponentHasItsRule()
    {
        var rules = FlowVersionRules.All;

        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
        Assert.All(rules, r => Assert.True(r.Since is not null || r.Until is not null, r.Id));
        Assert.Equal(24, rules.Count(r => r.Id.StartsWith("component:", StringComparison.Ordinal)));
        Assert.Contains(rules, r => r is { Id: "property:TextInput.pattern" } && r.Since == new FlowVersion(6, 2));
    }

    [Theory]
    [InlineData("5.1", false)]
    [InlineData("6.0", true)]
    [InlineData("7.3", true)]
    public void EmptyStringsAreRefusedFrom60(string version, bool refused)
    {
        Assert.Equal(refused, FlowVersionRules.NoEmptyStrings.AppliesTo(FlowVersion.Parse(version)));
    }

    [Theory]
    [InlineData("2.1", true)]
    [InlineData("3.0", false)]
    public void DataChannelUriIsAllowedOnlyBefore30(string version, bool allowed)
    {
        Assert.Equal(allowed, FlowVersionRules.DataChannelUri.AppliesTo(FlowVersion.Parse(version)));
    }

    [Theory]
    [InlineData("5.0", true)]
    [InlineData("6.0", false)]
    public void EmptyLabelsPassBefore60AndFailFrom60ButEmptyHeadingsAlwaysFail(string version, bool labelPasses)
    {
        var input = new TextInput { Name = "city", Label = "City", HelperText = "" };
        var flow = new FlowJsonDocument
        {
            Version = version,
            Screens = [Done with { Layout = new Layout { Children = [input, new Footer { Label = "OK", OnClickAction = new CompleteAction() }] } }],
        };

        Assert.Equal(labelPasses, FlowJsonValidator.Validate(flow).IsValid);
        Assert.False(FlowJsonValidator.Validate(flow with { Screens = [Done with { Layout = new Layout { Children = [new TextHeading(""), .. Done.Layout.Children] } }] }).IsValid);
    }

    [Fact]
    public void MarkdownLinesRoundTripThroughTheBuilder()
    {
        var body = new TextBody(new[] { "# Title", "", "**bold**" }) { Markdown = true };
        var flow = new FlowJsonDocument { Screens = [Done with { Layout = new Layout { Children = [body, .. Done.Layout.Children] } }] };

        var parsed = FlowJsonSerializer.Parse(FlowJsonSerializer.Serialize(flow));

        var text = Assert.IsType<TextBody>(parsed.Screens[0].Layout.Children[0]).Text;
        Assert.Equal(["# Title", "", "**bold**"], text.Lines!);
        Assert.Equal(body, parsed.Screens[0].Layout.Children[0]);
        Assert.True(FlowJsonValidator.Validate(flow).IsValid);
        Assert.False(FlowJsonValidator.Validate(flow with { Version = "5.0" }).IsValid);
    }
}
