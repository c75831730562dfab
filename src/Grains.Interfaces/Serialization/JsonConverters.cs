using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;

namespace Backend.Grains.Serialization;

// The protocol library (src/Flows) knows nothing of Orleans: its types cross grain calls through these surrogates.

/// <summary>A JSON object as its text.</summary>
[GenerateSerializer, Alias("json-object")]
public struct JsonObjectSurrogate
{
    [Id(0)] public string Json;
}

/// <summary>Serializes <see cref="JsonObject"/> as JSON text.</summary>
[RegisterConverter]
public sealed class JsonObjectConverter : IConverter<JsonObject, JsonObjectSurrogate>
{
    public JsonObject ConvertFromSurrogate(in JsonObjectSurrogate surrogate) => JsonNode.Parse(surrogate.Json)!.AsObject();

    public JsonObjectSurrogate ConvertToSurrogate(in JsonObject value) => new() { Json = value.ToJsonString() };
}

/// <summary>A screen request with every field as it was received.</summary>
[GenerateSerializer, Alias("data-exchange-request")]
public struct DataExchangeRequestSurrogate
{
    [Id(0)] public string Version;
    [Id(1)] public FlowRequestAction Action;
    [Id(2)] public string? Screen;
    [Id(3)] public JsonObject Data;
    [Id(4)] public string FlowToken;
    [Id(5)] public string? FlowTokenSignature;
}

/// <summary>Serializes <see cref="DataExchangeRequest"/> field by field.</summary>
[RegisterConverter]
public sealed class DataExchangeRequestConverter : IConverter<DataExchangeRequest, DataExchangeRequestSurrogate>
{
    public DataExchangeRequest ConvertFromSurrogate(in DataExchangeRequestSurrogate surrogate) =>
        new(surrogate.Version, surrogate.Action, surrogate.Screen, surrogate.Data, surrogate.FlowToken, surrogate.FlowTokenSignature);

    public DataExchangeRequestSurrogate ConvertToSurrogate(in DataExchangeRequest value) => new()
    {
        Version = value.Version,
        Action = value.Action,
        Screen = value.Screen,
        Data = value.Data,
        FlowToken = value.FlowToken,
        FlowTokenSignature = value.FlowTokenSignature,
    };
}
