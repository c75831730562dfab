using System.Text.Json;
using System.Text.Json.Serialization;
using Backend.Flows.Graph;

namespace Backend.Cli.Commands;

/// <summary>JSON output of <c>flows get --json</c> and <c>flows list --json</c> (Graph's snake_case).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FlowDetails))]
internal sealed partial class CliOutputJson : JsonSerializerContext
{
    /// <summary>Meta's name of an enum value (e.g. <c>PUBLISHED</c>, <c>SIGN_UP</c>).</summary>
    public static string Wire(FlowStatus value) => JsonSerializer.Serialize(value, Default.FlowStatus).Trim('"');

    /// <inheritdoc cref="Wire(FlowStatus)"/>
    public static string Wire(FlowCategory value) => JsonSerializer.Serialize(value, Default.FlowCategory).Trim('"');

    /// <inheritdoc cref="Wire(FlowStatus)"/>
    public static string Wire(FlowSendability value) => JsonSerializer.Serialize(value, Default.FlowSendability).Trim('"');
}
