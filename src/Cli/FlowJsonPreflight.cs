using System.Text.Json.Nodes;
using Backend.Flows.Graph;

namespace Backend.Cli;

/// <summary>
/// The offline check <c>flows upload</c> runs before sending anything to Meta. The Flow JSON
/// validator plugs in here (set <see cref="CliContext.Preflight"/>); until then
/// <see cref="SyntaxPreflight"/> catches what would certainly fail.
/// </summary>
public interface IFlowJsonPreflight
{
    /// <summary>Checks a document; findings with <see cref="PreflightFinding.IsError"/> stop the upload.</summary>
    IReadOnlyList<PreflightFinding> Check(FlowJsonContent flowJson);
}

/// <summary>One finding of the offline check.</summary>
/// <param name="Code">Meta-style code, e.g. <c>INVALID_FLOW_JSON</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Path">JSON path, if known.</param>
/// <param name="Line">1-based line, if known.</param>
/// <param name="Column">1-based column, if known.</param>
/// <param name="IsError">False for warnings.</param>
public sealed record PreflightFinding(string Code, string Message, string? Path = null, int? Line = null, int? Column = null, bool IsError = true);

/// <summary>Minimal offline check: the document parses, is an object, has a version and screens.</summary>
public sealed class SyntaxPreflight : IFlowJsonPreflight
{
    /// <inheritdoc />
    public IReadOnlyList<PreflightFinding> Check(FlowJsonContent flowJson)
    {
        if (!flowJson.TryParse(out var document, out var error))
        {
            return [new PreflightFinding("INVALID_FLOW_JSON", error!)];
        }

        var findings = new List<PreflightFinding>();
        if (document!["version"] is not JsonValue)
        {
            findings.Add(new PreflightFinding("MISSING_FLOW_JSON_VERSION", "Flow JSON has no \"version\".", "version"));
        }

        if (document["screens"] is not JsonArray { Count: > 0 })
        {
            findings.Add(new PreflightFinding("MIN_ITEMS_REQUIRED", "Flow JSON needs at least one screen.", "screens"));
        }

        return findings;
    }
}
