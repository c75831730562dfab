using System.Text.Json.Serialization;
using Backend.Flows.Graph;

namespace Backend.Cli.Commands;

/// <summary>JSON output of <c>flows get --json</c> and <c>flows list --json</c> (Graph's snake_case).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FlowDetails))]
internal sealed partial class CliOutputJson : JsonSerializerContext;
