using System.Text.Json;

namespace Backend.Flows.FlowJson.Validation;

/// <summary>How serious a finding is: errors make Meta reject the flow, warnings do not.</summary>
public enum FindingSeverity
{
    /// <summary>Meta's validator would reject the flow.</summary>
    Error,

    /// <summary>Accepted, but probably not what was meant (or not publishable any more).</summary>
    Warning,
}

/// <summary>One problem found in a Flow JSON document.</summary>
/// <param name="Code">Meta's error code where one exists (e.g. <c>INVALID_ROUTING_MODEL</c>), else this library's (see docs/flow-json.md).</param>
/// <param name="Message">What is wrong, in Meta's words where known.</param>
/// <param name="Pointer">RFC 6901 pointer to the offending element, e.g. <c>/screens/1/layout/children/0</c>.</param>
/// <param name="Severity">Error or warning.</param>
public sealed record FlowValidationFinding(string Code, string Message, string Pointer, FindingSeverity Severity)
{
    /// <inheritdoc />
    public override string ToString() => $"{Severity} {Code} at {(Pointer.Length == 0 ? "/" : Pointer)}: {Message}";
}

/// <summary>The verdict on a Flow JSON document.</summary>
/// <param name="Errors">Findings Meta's validator would reject the flow for.</param>
/// <param name="Warnings">Findings worth a look that do not block publishing.</param>
public sealed record FlowValidationResult(IReadOnlyList<FlowValidationFinding> Errors, IReadOnlyList<FlowValidationFinding> Warnings)
{
    /// <summary>True when there are no errors: what Meta would accept as far as its documented rules go.</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Checks Flow JSON offline against Meta's documented static rules (https://developers.facebook.com/docs/whatsapp/flows/reference/flowjson, https://developers.facebook.com/docs/whatsapp/flows/reference/components):
/// schema and version gates, routing model, terminal screens and footers, actions and their
/// payloads, references, data models, names and ids, limits, forms, If and Switch.
/// </summary>
public static class FlowJsonValidator
{
    /// <summary>Validates Flow JSON text; text that is not JSON gives <c>INVALID_FLOW_JSON</c>.</summary>
    public static FlowValidationResult Validate(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            return new([new(FlowErrorCodes.InvalidFlowJson, $"The Flow JSON is not valid JSON{where}: {e.Message}", "", FindingSeverity.Error)], []);
        }
        using (document)
        {
            return Validate(document.RootElement);
        }
    }

    /// <summary>Validates a flow built with the builder (or parsed), exactly as it would be written.</summary>
    public static FlowValidationResult Validate(FlowJsonDocument flow)
    {
        using var document = JsonDocument.Parse(FlowJsonSerializer.SerializeToUtf8Bytes(flow));
        return Validate(document.RootElement);
    }

    /// <summary>Validates an already parsed Flow JSON document.</summary>
    public static FlowValidationResult Validate(JsonElement root) => new ValidationRun(root).Run();
}
