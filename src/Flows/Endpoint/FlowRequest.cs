using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Json;

namespace Backend.Flows.Endpoint;

/// <summary>The action of a data-exchange request.</summary>
public enum FlowRequestAction
{
    /// <summary><c>INIT</c>: the flow was opened with <c>flow_action: data_exchange</c>.</summary>
    Init,

    /// <summary><c>BACK</c>: back was pressed on a screen with <c>refresh_on_back: true</c>.</summary>
    Back,

    /// <summary><c>data_exchange</c>: a screen was submitted or a component's value changed.</summary>
    DataExchange,
}

/// <summary>A decrypted request to the data endpoint. See <see cref="FlowRequest.Parse(ReadOnlySpan{byte})"/>.</summary>
/// <param name="Version">The payload's <c>version</c> (<c>"3.0"</c>).</param>
public abstract record FlowRequest(string Version)
{
    /// <summary>Payload versions this endpoint answers.</summary>
    public static IReadOnlySet<string> SupportedVersions { get; } = new HashSet<string>(StringComparer.Ordinal) { "3.0", "4.0" };

    /// <summary>
    /// Parses a decrypted payload: a health check (<c>action: ping</c>), an error notification (a <c>data.error</c>
    /// or <c>data.error_key</c>, checked before the action as Meta's own example does), or a data exchange
    /// (<c>INIT</c>, <c>BACK</c>, <c>data_exchange</c>).
    /// </summary>
    /// <exception cref="FlowRequestException">With <see cref="FlowRequestError.MalformedPayload"/> or <see cref="FlowRequestError.UnsupportedVersion"/>.
    /// Messages name fields, never their decrypted values.</exception>
    public static FlowRequest Parse(ReadOnlySpan<byte> utf8Json) => Parse(utf8Json, FlowRequestLimits.Default);

    /// <summary>Parses a decrypted payload within <paramref name="limits"/> (nesting depth, string length).</summary>
    /// <exception cref="FlowRequestException">As <see cref="Parse(ReadOnlySpan{byte})"/>; a payload past a limit is malformed.</exception>
    public static FlowRequest Parse(ReadOnlySpan<byte> utf8Json, FlowRequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        JsonObject root;
        try
        {
            root = StrictJson.Parse(utf8Json, limits.MaxDepth, limits.MaxStringLength) as JsonObject
                ?? throw Malformed("the payload must be a JSON object");
        }
        catch (JsonException ex)
        {
            // The message names the problem (not JSON, a duplicate name, invalid text, NUL), never the value.
            throw new FlowRequestException(FlowRequestError.MalformedPayload, $"Malformed payload: {(ex.Path is null && ex.LineNumber is null ? ex.Message : "not valid JSON.")}", ex);
        }

        var version = OptionalString(root, "version") ?? throw Malformed("'version' is required");
        if (!SupportedVersions.Contains(version))
        {
            throw new FlowRequestException(FlowRequestError.UnsupportedVersion,
                $"Unsupported payload version (this endpoint speaks {string.Join(", ", SupportedVersions)}).");
        }
        var action = OptionalString(root, "action") ?? throw Malformed("'action' is required");
        var data = root["data"] switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw Malformed("'data' must be an object"),
        };

        if (data is not null && (data.ContainsKey("error") || data.ContainsKey("error_key")))
        {
            var errorKey = OptionalString(data, "error") ?? OptionalString(data, "error_key")
                ?? throw Malformed("'data.error' must be a string");
            return new ErrorNotificationRequest(version, OptionalString(root, "flow_token"), action,
                OptionalString(root, "screen"), errorKey, OptionalString(data, "error_message"));
        }

        if (action == "ping")
        {
            return new HealthCheckRequest(version);
        }

        var flowAction = action switch
        {
            "INIT" => FlowRequestAction.Init,
            "BACK" => FlowRequestAction.Back,
            "data_exchange" => FlowRequestAction.DataExchange,
            _ => throw Malformed("unknown action (expected ping, INIT, BACK or data_exchange)"),
        };
        var flowToken = OptionalString(root, "flow_token");
        if (string.IsNullOrEmpty(flowToken))
        {
            throw Malformed("'flow_token' is required");
        }
        if (data is not null)
        {
            root.Remove("data");
        }
        return new DataExchangeRequest(version, flowAction, OptionalString(root, "screen"), data ?? [],
            flowToken, OptionalString(root, "flow_token_signature"));
    }

    private static string? OptionalString(JsonObject obj, string name) => obj[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw Malformed($"'{name}' must be a string"),
    };

    private static FlowRequestException Malformed(string detail) =>
        new(FlowRequestError.MalformedPayload, $"Malformed payload: {detail}.");
}

/// <summary>How large a decrypted payload may be inside: nesting depth and the length of any string in it.</summary>
/// <param name="MaxDepth">The deepest nesting of objects and arrays.</param>
/// <param name="MaxStringLength">The longest name or string value, in UTF-16 characters.</param>
public sealed record FlowRequestLimits(int MaxDepth, int MaxStringLength)
{
    /// <summary>The library's defaults: <see cref="StrictJson.DefaultMaxDepth"/> and <see cref="StrictJson.DefaultMaxStringLength"/>.</summary>
    public static FlowRequestLimits Default { get; } = new(StrictJson.DefaultMaxDepth, StrictJson.DefaultMaxStringLength);
}

/// <summary>The periodic health check: <c>{"version":"3.0","action":"ping"}</c>. Answer with <see cref="FlowResponse.HealthCheck"/>.</summary>
public sealed record HealthCheckRequest(string Version) : FlowRequest(Version);

/// <summary>
/// Meta reporting that a previous response was invalid (e.g. <c>invalid-screen-transition</c>,
/// <c>payload-schema-error</c>). Answer with <see cref="FlowResponse.Acknowledgement"/>.
/// </summary>
/// <param name="Version">The payload version.</param>
/// <param name="FlowToken">The session's flow token, when Meta sent one.</param>
/// <param name="Action">The action of the request that led to the error.</param>
/// <param name="Screen">The screen the error happened on.</param>
/// <param name="ErrorKey">The error type (<c>data.error</c>, or <c>data.error_key</c> as the docs' table names it).</param>
/// <param name="ErrorMessage">Meta's description of the error.</param>
public sealed record ErrorNotificationRequest(
    string Version, string? FlowToken, string Action, string? Screen, string ErrorKey, string? ErrorMessage)
    : FlowRequest(Version);

/// <summary>A screen request: <c>INIT</c>, <c>BACK</c> or <c>data_exchange</c>.</summary>
/// <param name="Version">The payload version.</param>
/// <param name="Action">What happened on the client.</param>
/// <param name="Screen">The screen the request comes from; may be absent for <c>INIT</c> and <c>BACK</c>.</param>
/// <param name="Data">The action payload (empty when absent). Owned by this request.</param>
/// <param name="FlowToken">The token the flow was sent with: the session id.</param>
/// <param name="FlowTokenSignature">A JWT over the token (Flow JSON ≥ 7.3 with data API 4.0), when present.</param>
public sealed record DataExchangeRequest(
    string Version, FlowRequestAction Action, string? Screen, JsonObject Data, string FlowToken, string? FlowTokenSignature)
    : FlowRequest(Version);
