using System.Text.Json.Nodes;
using Backend.Flows.FlowJson;
using Backend.TestSupport;

namespace Backend.Flows.Tests.FlowJson;

public sealed class GoldenFlowTests
{
    public static TheoryData<string> GoldenFiles => new() { "static-sign-up-flow.json", "dynamic-sign-up-flow.json", "sign-up-flow.json" };

    private static string Golden(string file) => File.ReadAllText(TestData.Path("golden", file));

    [Theory]
    [InlineData("static-sign-up-flow.json")]
    [InlineData("dynamic-sign-up-flow.json")]
    [InlineData("sign-up-flow.json")]
    public void BuilderWritesTheGoldenFlow(string file)
    {
        var flow = file switch
        {
            "static-sign-up-flow.json" => SeedFlows.StaticSignUp(),
            "dynamic-sign-up-flow.json" => SeedFlows.DynamicSignUp(),
            _ => SeedFlows.SignUp(),
        };

        var written = FlowJsonSerializer.Serialize(flow);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Golden(file)), JsonNode.Parse(written)), written);
        // Meta's property order too, not only the same content.
        Assert.Equal(Golden(file).TrimEnd(), written);
    }

    [Theory]
    [InlineData("static-sign-up-flow.json")]
    [InlineData("dynamic-sign-up-flow.json")]
    [InlineData("sign-up-flow.json")]
    public void GoldenFileParsesAndWritesBackUnchanged(string file)
    {
        var golden = Golden(file);

        var written = FlowJsonSerializer.Serialize(FlowJsonSerializer.Parse(golden));

        Assert.Equal(golden.TrimEnd(), written);
    }

    [Fact]
    public void ParsedGoldenEqualsTheBuiltModelWhenWrittenCompactly()
    {
        var parsed = FlowJsonSerializer.Parse(Golden("sign-up-flow.json"));

        Assert.Equal(
            FlowJsonSerializer.Serialize(SeedFlows.SignUp(), indented: false),
            FlowJsonSerializer.Serialize(parsed, indented: false));
    }
}
