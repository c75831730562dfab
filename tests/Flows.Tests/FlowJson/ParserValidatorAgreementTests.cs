using System.Text.Json.Nodes;
using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;
using Backend.TestSupport;

namespace Backend.Flows.Tests.FlowJson;

/// <summary>
/// The validator and the parser agree on every document: no errors ⇒ <see cref="FlowJsonSerializer.Parse(string)"/>
/// reads it; the parser refuses it ⇒ the validator reports an error. Checked on the corpus, the golden files and
/// the samples, and on every single-value mutation of the corpus (each value replaced by null, a number, a
/// fraction, a string, a boolean, an array or an object).
/// </summary>
public sealed class ParserValidatorAgreementTests
{
    private const string LastResortPrefix = "The document does not fit the Flow JSON model: ";

    private static IEnumerable<string> Documents() =>
        Directory.GetFiles(TestData.Path("flowjson-corpus"), "*.json").Where(f => !f.EndsWith("expected-findings.json", StringComparison.Ordinal))
            .Concat(Directory.GetFiles(TestData.Path("golden"), "*.json"))
            .Concat(Directory.GetFiles(Path.Combine(TestData.RepoRoot, "samples"), "*.json"))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText);

    private static string? Disagreement(string json)
    {
        FlowValidationResult result;
        try
        {
            result = FlowJsonValidator.Validate(json);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return $"The validator crashes ({e.GetType().Name}: {e.Message}) at {e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("ValidationRun", StringComparison.Ordinal))?.Trim()}";
        }
        try
        {
            FlowJsonSerializer.Parse(json);
            return null;
        }
        catch (FlowJsonFormatException e)
        {
            return result.IsValid ? $"The validator accepts what the parser refuses ({e.Pointer}: {e.Message}):\n{json}" : null;
        }
    }

    [Fact]
    public void ValidatorAndParserAgreeOnEveryStoredDocument()
    {
        var disagreements = Documents().Select(Disagreement).OfType<string>().ToList();

        Assert.Empty(disagreements);
    }

    [Fact]
    public void ValidatorAndParserAgreeOnEveryMutationOfTheCorpus()
    {
        var disagreements = new List<string>();
        var lastResort = new List<string>();
        var mutations = 0;
        foreach (var json in Documents())
        {
            var original = JsonNode.Parse(json)!;
            foreach (var path in Paths(original, []))
            {
                foreach (var replacement in Replacements())
                {
                    var mutated = original.DeepClone();
                    Replace(mutated, path, replacement);
                    var text = mutated.ToJsonString();
                    mutations++;
                    if (Disagreement(text) is { } disagreement)
                    {
                        disagreements.Add(disagreement.Split('\n')[0]);
                        continue;
                    }
                    var result = FlowJsonValidator.Validate(text);
                    if (result.Errors.Any(e => e.Message.StartsWith(LastResortPrefix, StringComparison.Ordinal)))
                    {
                        lastResort.Add($"/{string.Join('/', path)} := {replacement?.ToJsonString() ?? "null"}: {result.Errors.Single().Message}");
                    }
                }
            }
        }

        Assert.True(mutations > 5000, $"{mutations} mutations");
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Distinct()));
        // The explicit rules (ModelContract) already refuse what the model cannot read: the last-resort check never has to.
        Assert.True(lastResort.Count == 0, string.Join("\n", lastResort.Distinct()));
    }

    private static IEnumerable<JsonNode?> Replacements() =>
        [null, JsonValue.Create(7), JsonValue.Create(1.5), JsonValue.Create("x"), JsonValue.Create(true), new JsonArray(), new JsonObject()];

    private static IEnumerable<object[]> Paths(JsonNode node, object[] path)
    {
        if (path.Length > 0)
        {
            yield return path;
        }
        IEnumerable<(object, JsonNode?)> children = node switch
        {
            JsonObject obj => obj.Select(p => ((object)p.Key, p.Value)),
            JsonArray array => array.Select((v, i) => ((object)i, v)),
            _ => [],
        };
        foreach (var (key, child) in children)
        {
            if (child is null)
            {
                continue;
            }
            foreach (var inner in Paths(child, [.. path, key]))
            {
                yield return inner;
            }
        }
    }

    private static void Replace(JsonNode root, object[] path, JsonNode? replacement)
    {
        var parent = root;
        foreach (var key in path[..^1])
        {
            parent = key is int i ? parent[i]! : parent[(string)key]!;
        }
        var copy = replacement?.DeepClone();
        if (path[^1] is int index)
        {
            parent.AsArray()[index] = copy;
        }
        else
        {
            parent.AsObject()[(string)path[^1]] = copy;
        }
    }
}
