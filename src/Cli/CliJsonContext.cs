using System.Text.Json.Serialization;

namespace Backend.Cli;

/// <summary>Serializers of the CLI's own JSON (config file).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ConfigFileShape))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
