using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// One field of a screen's data model. Declare it from an example value, as PyWa does:
/// <c>new ScreenData("first_name_initial_value", "John")</c> gives
/// <c>{"type":"string","__example__":"John"}</c>; arrays and objects (records, dictionaries,
/// <see cref="DataSourceItem"/>s) give <c>items</c> and <c>properties</c> schemas.
/// Use <see cref="Ref"/> wherever the value is needed.
/// </summary>
public sealed record ScreenData
{
    /// <summary>Declares a field whose schema is derived from <paramref name="example"/>.</summary>
    public ScreenData(string key, object example)
    {
        Key = key;
        var exampleElement = FlowJsonSerializer.ToElement(example);
        var schema = SchemaOf(exampleElement);
        schema["__example__"] = JsonNode.Parse(exampleElement.GetRawText());
        Schema = FlowJsonSerializer.ToElement(schema);
    }

    private ScreenData(string key, JsonElement schema)
    {
        Key = key;
        Schema = schema;
    }

    /// <summary>A field with an explicit JSON schema (as read from existing Flow JSON).</summary>
    public static ScreenData FromSchema(string key, JsonElement schema) => new(key, schema.Clone());

    /// <summary>The field's key.</summary>
    public string Key { get; }

    /// <summary>The field's schema, including <c>__example__</c>.</summary>
    public JsonElement Schema { get; }

    /// <summary><c>${data.key}</c>.</summary>
    public DataRef Ref => new(Key);

    /// <summary><c>${screen.S.data.key}</c>, read from another screen (4.0+).</summary>
    public DataRef RefOn(string screenId) => new(Key, screenId);

    /// <summary>Two declarations are equal when key and schema are.</summary>
    public bool Equals(ScreenData? other) =>
        other is not null && Key == other.Key && JsonElement.DeepEquals(Schema, other.Schema);

    /// <inheritdoc />
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    private static JsonObject SchemaOf(JsonElement example) => example.ValueKind switch
    {
        JsonValueKind.String => new JsonObject { ["type"] = "string" },
        JsonValueKind.Number => new JsonObject { ["type"] = "number" },
        JsonValueKind.True or JsonValueKind.False => new JsonObject { ["type"] = "boolean" },
        JsonValueKind.Array => new JsonObject
        {
            ["type"] = "array",
            ["items"] = example.GetArrayLength() > 0 ? SchemaOf(example[0]) : new JsonObject { ["type"] = "string" },
        },
        JsonValueKind.Object => new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject(example.EnumerateObject()
                .Select(p => KeyValuePair.Create(p.Name, (JsonNode?)SchemaOf(p.Value)))),
        },
        _ => throw new ArgumentException("Screen data examples cannot be null (Meta rejects null).", nameof(example)),
    };
}

internal sealed class ScreenDataListJsonConverter : JsonConverter<IReadOnlyList<ScreenData>>
{
    public override IReadOnlyList<ScreenData> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A screen's data must be an object.");
        }
        return [.. document.RootElement.EnumerateObject().Select(p => ScreenData.FromSchema(p.Name, p.Value))];
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ScreenData> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var field in value)
        {
            writer.WritePropertyName(field.Key);
            field.Schema.WriteTo(writer);
        }
        writer.WriteEndObject();
    }
}
