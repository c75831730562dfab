using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backend.TestSupport.Graph;

public sealed partial class FakeGraphServer
{
    /// <summary>Messages accepted by <c>POST /{PHONE}/messages</c>, in order.</summary>
    public IReadOnlyList<JsonObject> SentMessages { get { lock (_gate) { return [.. _sent]; } } }

    private readonly List<JsonObject> _sent = [];

    private Answer SendMessage(RecordedGraphRequest r)
    {
        if (OnlyQuery(r) is { } q)
        {
            return q;
        }

        var (body, rejection) = JsonBody(r, ["messaging_product", "to", "type", "interactive"], ["recipient_type"]);
        if (rejection is not null)
        {
            return rejection;
        }

        if (Str(body!["messaging_product"]) != "whatsapp")
        {
            return Reject(r, "messaging_product must be \"whatsapp\"");
        }

        if (body["recipient_type"] is { } rt && Str(rt) != "individual")
        {
            return Reject(r, "recipient_type must be \"individual\"");
        }

        if (Str(body["to"]) is not { Length: > 0 } to)
        {
            return Reject(r, "to must be a non-empty string");
        }

        if (Str(body["type"]) != "interactive")
        {
            return Reject(r, "type must be \"interactive\"");
        }

        if (body["interactive"] is not JsonObject interactive)
        {
            return Reject(r, "interactive must be an object");
        }

        if ((Shape(r, interactive, "interactive", ["type", "body", "action"], ["header", "footer"])
            ?? Text(r, interactive, "header", 60, withType: true)
            ?? Text(r, interactive, "body", 1024, withType: false)
            ?? Text(r, interactive, "footer", 60, withType: false)) is { } badText)
        {
            return badText;
        }

        if (Str(interactive["type"]) != "flow")
        {
            return Reject(r, "interactive.type must be \"flow\"");
        }

        if (interactive["action"] is not JsonObject action)
        {
            return Reject(r, "interactive.action must be an object");
        }

        if (Shape(r, action, "interactive.action", ["name", "parameters"], []) is { } badAction)
        {
            return badAction;
        }

        if (Str(action["name"]) != "flow")
        {
            return Reject(r, "interactive.action.name must be \"flow\"");
        }

        if (action["parameters"] is not JsonObject p)
        {
            return Reject(r, "interactive.action.parameters must be an object");
        }

        if (Shape(r, p, "parameters", ["flow_message_version", "flow_cta"], ["flow_token", "flow_id", "flow_name", "flow_action", "flow_action_payload", "mode"]) is { } badParams)
        {
            return badParams;
        }

        if (!IsString(p["flow_message_version"]) || Str(p["flow_message_version"]) != "3")
        {
            return Reject(r, "parameters.flow_message_version must be the string \"3\"");
        }

        if (p["flow_token"] is { } token && Str(token) is not { Length: > 0 })
        {
            return Reject(r, "parameters.flow_token must be a non-empty string");
        }

        if (p.ContainsKey("flow_id") == p.ContainsKey("flow_name"))
        {
            return Reject(r, "parameters must have exactly one of flow_id and flow_name");
        }

        if (Str(p["flow_cta"]) is not { Length: > 0 } cta || cta.EnumerateRunes().Count() > 30)
        {
            return Reject(r, "parameters.flow_cta must be a string of 1 to 30 characters");
        }

        var flowAction = p["flow_action"] is null ? "navigate" : Str(p["flow_action"]);
        if (flowAction is not ("navigate" or "data_exchange"))
        {
            return Reject(r, $"parameters.flow_action must be navigate or data_exchange (got {p["flow_action"]?.ToJsonString()})");
        }

        if (p["flow_action_payload"] is { } payloadNode)
        {
            if (flowAction != "navigate")
            {
                return Reject(r, "parameters.flow_action_payload is only allowed with flow_action navigate");
            }

            if (payloadNode is not JsonObject payload)
            {
                return Reject(r, "flow_action_payload must be an object");
            }

            if (Shape(r, payload, "flow_action_payload", ["screen"], ["data"]) is { } badPayload)
            {
                return badPayload;
            }

            if (Str(payload["screen"]) is not { Length: > 0 })
            {
                return Reject(r, "flow_action_payload.screen must be a non-empty string");
            }

            // flow_action_payload.data (docs/graph-api.md, "Decisions on open points"): an object, or an object serialized as a string; either way non-empty.
            if (payload["data"] is { } data && !IsNonEmptyObject(data))
            {
                return Reject(r, "flow_action_payload.data must be a non-empty JSON object (or such an object serialized as a string)");
            }
        }

        var mode = p["mode"] is null ? "published" : Str(p["mode"]);
        if (mode is not ("draft" or "published"))
        {
            return Reject(r, $"parameters.mode must be draft or published (got {p["mode"]?.ToJsonString()})");
        }

        var flow = Str(p["flow_id"]) is { } id
            ? _flows.GetValueOrDefault(id)
            : _flows.Values.FirstOrDefault(f => f.WabaId == WabaId && f.CurrentName == Str(p["flow_name"]));
        if (flow is null)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", userMessage: "The flow doesn't exist.");
        }

        switch (flow.Status)
        {
            case FlowState.Blocked:
                return Answer.GraphError(HttpStatusCode.BadRequest, 132068, "Flow is in blocked state", userMessage: "The flow is blocked and can't be sent.");
            case FlowState.Throttled:
                return Answer.GraphError(HttpStatusCode.BadRequest, 132069, "Flow is in throttled state", userMessage: "The flow is throttled: 10 messages per hour.");
            case FlowState.Deprecated:
                return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", userMessage: "A deprecated flow can't be sent.");
            case FlowState.Draft when mode == "published":
                return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", userMessage: "The flow isn't published: send it with mode draft.");
        }

        _sent.Add((JsonObject)body.DeepClone());
        var messageId = $"wamid.FAKE{_nextMessage++:D6}";
        return Answer.Ok(new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["contacts"] = new JsonArray(new JsonObject { ["input"] = to, ["wa_id"] = to.TrimStart('+') }),
            ["messages"] = new JsonArray(new JsonObject { ["id"] = messageId }),
        });
    }

    private Answer? Text(RecordedGraphRequest r, JsonObject interactive, string key, int max, bool withType)
    {
        if (interactive[key] is not { } node)
        {
            return null;
        }

        if (node is not JsonObject obj)
        {
            return Reject(r, $"interactive.{key} must be an object");
        }

        if (Shape(r, obj, $"interactive.{key}", withType ? ["type", "text"] : ["text"], []) is { } bad)
        {
            return bad;
        }

        if (withType && Str(obj["type"]) != "text")
        {
            return Reject(r, $"interactive.{key}.type must be \"text\"");
        }

        return Str(obj["text"]) is not { } text || text.Trim().Length == 0 || text.EnumerateRunes().Count() > max
            ? Reject(r, $"interactive.{key}.text must be a non-blank string of at most {max} characters")
            : null;
    }

    private static bool IsNonEmptyObject(JsonNode node)
    {
        if (node is JsonObject o)
        {
            return o.Count > 0;
        }

        if (Str(node) is { } s)
        {
            try
            {
                return JsonNode.Parse(s) is JsonObject { Count: > 0 };
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return false;
    }
}
