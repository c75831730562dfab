using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;
using Backend.TestSupport;

namespace Backend.Flows.Tests.FlowJson;

/// <summary>
/// The corpus in <c>tests/TestData/flowjson-corpus</c>: flows written for these tests across Flow JSON 2.1 to 7.3,
/// valid and deliberately invalid, with their expected findings in <c>expected-findings.json</c>.
/// </summary>
public sealed class CorpusTests
{
    private static readonly string CorpusFolder = TestData.Path("flowjson-corpus");

    private static readonly Dictionary<string, Finding[]> Expected =
        JsonSerializer.Deserialize<Dictionary<string, Finding[]>>(File.ReadAllText(Path.Combine(CorpusFolder, "expected-findings.json")))!;

    private sealed record Finding([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("severity")] string Severity);

    public static TheoryData<string> Files => [.. Expected.Keys.Order(StringComparer.Ordinal)];

    private static string Read(string file) => File.ReadAllText(Path.Combine(CorpusFolder, file));

    [Fact]
    public void CorpusHasAtLeastThirtyFlowsEachWithExpectedFindings()
    {
        var files = Directory.GetFiles(CorpusFolder, "*.json").Select(Path.GetFileName).Where(f => f != "expected-findings.json").Order(StringComparer.Ordinal);

        Assert.Equal(files, Expected.Keys.Order(StringComparer.Ordinal));
        Assert.True(Expected.Count >= 30, $"{Expected.Count} flows");
    }

    [Fact]
    public void CorpusSpansEveryVersionFrom21To73()
    {
        var versions = Expected.Keys.Select(f => JsonNode.Parse(Read(f))!["version"]!.GetValue<string>()).ToHashSet();

        Assert.Equal(FlowVersion.Known.Select(v => v.ToString()).Order(), versions.Order());
    }

    [Fact]
    public void CorpusUsesEveryComponentTheModelKnowsAndArrayText()
    {
        var modelComponents = typeof(Component).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToHashSet();
        var used = new HashSet<string>();
        var arrayText = new HashSet<string>();
        foreach (var file in Expected.Keys)
        {
            Walk(JsonNode.Parse(Read(file))!, used, arrayText);
        }

        Assert.Equal(24, modelComponents.Count);
        Assert.Empty(modelComponents.Except(used));
        Assert.Superset(arrayText, new HashSet<string> { "TextBody", "TextCaption", "RichText" });
    }

    private static void Walk(JsonNode node, HashSet<string> used, HashSet<string> arrayText)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"] is JsonValue type && type.TryGetValue<string>(out var name))
                {
                    used.Add(name);
                    if (obj["text"] is JsonArray)
                    {
                        arrayText.Add(name);
                    }
                }
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Walk(child, used, arrayText);
                    }
                }
                break;
            case JsonArray array:
                foreach (var child in array.OfType<JsonNode>())
                {
                    Walk(child, used, arrayText);
                }
                break;
            default:
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void FlowParsesAndWritesBackTheSameJson(string file)
    {
        var json = Read(file);

        var written = FlowJsonSerializer.Serialize(FlowJsonSerializer.Parse(json));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), written);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void FlowHasExactlyTheExpectedFindings(string file)
    {
        var result = FlowJsonValidator.Validate(Read(file));

        var actual = result.Errors.Concat(result.Warnings)
            .Select(f => new Finding(f.Code, f.Severity == FindingSeverity.Error ? "error" : "warning"))
            .OrderBy(f => f.Code, StringComparer.Ordinal).ThenBy(f => f.Severity, StringComparer.Ordinal);
        var expected = Expected[file].OrderBy(f => f.Code, StringComparer.Ordinal).ThenBy(f => f.Severity, StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(actual), string.Join("\n", result.Errors.Concat(result.Warnings)));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ParsedModelValidatesLikeTheText(string file)
    {
        var json = Read(file);

        var fromText = FlowJsonValidator.Validate(json);
        var fromModel = FlowJsonValidator.Validate(FlowJsonSerializer.Parse(json));

        Assert.Equal(fromText.Errors.Concat(fromText.Warnings).Select(f => (f.Code, f.Severity)).Order(),
            fromModel.Errors.Concat(fromModel.Warnings).Select(f => (f.Code, f.Severity)).Order());
    }
}
