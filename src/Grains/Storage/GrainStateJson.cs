using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Grains.Storage;

/// <summary>
/// How state records are written to the database: plain JSON of the record (camelCase properties, enums by
/// name), no .NET type names, so an operator can read it with SQL and a renamed class does not orphan state.
/// </summary>
public static class GrainStateJson
{
    /// <summary>The serializer options of stored state.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
