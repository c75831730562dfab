using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;
using Backend.TestSupport;

namespace Backend.Flows.Tests.FlowJson;

public sealed class SignUpVerdictTests
{
    private static FlowValidationResult ValidateGolden(string file) =>
        FlowJsonValidator.Validate(File.ReadAllText(TestData.Path("golden", file)));

    [Theory]
    [InlineData("static-sign-up-flow.json")]
    [InlineData("dynamic-sign-up-flow.json")]
    public void SeedExamplesHaveNoErrorsOnlyTheOldVersionWarning(string file)
    {
        var result = ValidateGolden(file);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("UNAVAILABLE_FLOW_JSON_VERSION", "/version"), (warning.Code, warning.Pointer));
    }

    [Fact]
    public void SeedSignUpFlowIsRejectedForTheLinkFromLoginBackToSignUp()
    {
        var result = ValidateGolden("sign-up-flow.json");

        var error = Assert.Single(result.Errors);
        Assert.Equal("INVALID_ROUTING_MODEL", error.Code);
        Assert.Equal("/screens/2/layout/children/1/on-click-action", error.Pointer);
        Assert.Equal(
            "Missing direct route from screen 'LOGIN' to screen 'SIGN_UP' in the routing model, while it exists in the navigate screen action of screen 'LOGIN'.",
            error.Message);
    }

    [Fact]
    public void AddingTheMissingRouteOnlyTradesRule9ForABackwardRoute()
    {
        var flow = SeedFlows.SignUp();
        var routes = new Dictionary<string, IReadOnlyList<string>>(flow.RoutingModel!) { ["LOGIN"] = ["LOGIN_SUCCESS", "SIGN_UP"] };

        var result = FlowJsonValidator.Validate(flow with { RoutingModel = routes });

        var error = Assert.Single(result.Errors);
        Assert.Equal("INVALID_ROUTING_MODEL", error.Code);
        Assert.Equal("/routing_model/LOGIN/1", error.Pointer);
        Assert.Contains("Backward route", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorrectedSignUpFlowPasses()
    {
        var result = FlowJsonValidator.Validate(SeedFlows.SignUpCorrected());

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void ShippedCorrectedSampleIsTheBuilderFlowAndPasses()
    {
        var sample = File.ReadAllText(Path.Combine(TestData.RepoRoot, "samples", "sign-up-flow.corrected.json"));

        Assert.Equal(FlowJsonSerializer.Serialize(SeedFlows.SignUpCorrected()), sample.TrimEnd());
        Assert.True(FlowJsonValidator.Validate(sample).IsValid);
    }

    [Fact]
    public void CorrectedSignUpFlowOnVersion73HasNeitherErrorsNorWarnings()
    {
        var result = FlowJsonValidator.Validate(SeedFlows.SignUpCorrected() with { Version = "7.3" });

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }
}
