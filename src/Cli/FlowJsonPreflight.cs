using Backend.Flows.FlowJson.Validation;
using Backend.Flows.Graph;

namespace Backend.Cli;

/// <summary>
/// The offline check <c>flows upload</c> runs before sending anything to Meta. By default it is
/// <see cref="ValidatorPreflight"/>; tests may set another on <see cref="CliContext.Preflight"/>.
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

/// <summary>
/// The offline check: Meta's documented static rules, as <see cref="FlowJsonValidator"/> applies them, with
/// JSON pointers to the offending elements. Errors stop the upload; warnings are shown.
/// </summary>
public sealed class ValidatorPreflight : IFlowJsonPreflight
{
    /// <inheritdoc />
    public IReadOnlyList<PreflightFinding> Check(FlowJsonContent flowJson)
    {
        ArgumentNullException.ThrowIfNull(flowJson);
        var result = FlowJsonValidator.Validate(flowJson.Text);
        return [.. result.Errors.Concat(result.Warnings).Select(f =>
            new PreflightFinding(f.Code, f.Message, f.Pointer.Length == 0 ? "/" : f.Pointer, IsError: f.Severity == FindingSeverity.Error))];
    }
}
