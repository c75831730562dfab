using Backend.Flows.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backend.Flows.Endpoint;

/// <summary>
/// A plaintext answer of the data endpoint, before encryption. Responses carry no top-level <c>version</c>:
/// Meta dropped it from its reference endpoint in 2024 as no longer needed.
/// </summary>
public abstract record FlowResponse
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Like JSON.stringify in Meta's reference endpoint: text stays readable, not \u-escaped.
        Encoder = MinimalJsonEscaping.Instance,
        SkipValidation = true,
    };

    /// <summary>The answer to a health check: <c>{"data":{"status":"active"}}</c>.</summary>
    public static FlowResponse HealthCheck { get; } = new HealthCheckResponse();

    /// <summary>The answer to an error notification: <c>{"data":{"acknowledged":true}}</c>.</summary>
    public static FlowResponse Acknowledgement { get; } = new AcknowledgementResponse();

    /// <summary>Serializes the response to UTF-8 JSON.</summary>
    public byte[] ToUtf8Json()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the response as one JSON object.</summary>
    protected abstract void Write(Utf8JsonWriter writer);

    private sealed record HealthCheckResponse : FlowResponse
    {
        protected override void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data"u8);
            writer.WriteString("status"u8, "active"u8);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    private sealed record AcknowledgementResponse : FlowResponse
    {
        protected override void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data"u8);
            writer.WriteBoolean("acknowledged"u8, true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }
}

/// <summary>
/// Show <paramref name="Screen"/> with <paramref name="Data"/>, which must match that screen's declared data.
/// With <paramref name="ErrorMessage"/>, the client shows it as a snackbar (bad user input).
/// </summary>
public sealed record NextScreenResponse(string Screen, JsonObject? Data = null, string? ErrorMessage = null) : FlowResponse
{
    /// <inheritdoc />
    protected override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("screen"u8, Screen);
        writer.WriteStartObject("data"u8);
        if (Data is not null)
        {
            foreach (var (name, value) in Data)
            {
                if (ErrorMessage is not null && name == "error_message")
                {
                    continue;
                }
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }
        }
        if (ErrorMessage is not null)
        {
            writer.WriteString("error_message"u8, ErrorMessage);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    internal static void WriteValue(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }
}

/// <summary>
/// Close the flow: <c>{"screen":"SUCCESS","data":{"extension_message_response":{"params":{"flow_token":…}}}}</c>.
/// Every entry of <paramref name="Params"/> reaches the completion webhook's <c>response_json</c>.
/// </summary>
public sealed record CloseFlowResponse(string FlowToken, JsonObject? Params = null) : FlowResponse
{
    /// <summary>The reserved screen name that closes a flow.</summary>
    public const string SuccessScreen = "SUCCESS";

    /// <inheritdoc />
    protected override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("screen"u8, SuccessScreen);
        writer.WriteStartObject("data"u8);
        writer.WriteStartObject("extension_message_response"u8);
        writer.WriteStartObject("params"u8);
        writer.WriteString("flow_token"u8, FlowToken);
        if (Params is not null)
        {
            foreach (var (name, value) in Params)
            {
                if (name == "flow_token")
                {
                    continue;
                }
                writer.WritePropertyName(name);
                NextScreenResponse.WriteValue(writer, value);
            }
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>
/// A response already serialized as JSON (e.g. computed on another node and carried as text); written as is.
/// </summary>
public sealed record SerializedFlowResponse(string Json) : FlowResponse
{
    /// <inheritdoc />
    protected override void Write(Utf8JsonWriter writer) => writer.WriteRawValue(Json, skipInputValidation: false);
}
