using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Json;

namespace Backend.Flows.Webhooks;

/// <summary>
/// What a Cloud API webhook POST carries that concerns flows: flow completions (<c>messages</c> field,
/// <c>interactive.type == "nfm_reply"</c> with <c>nfm_reply.name == "flow"</c>) and flow events
/// (<c>flows</c> field: status changes and health alerts). Everything else is counted and ignored.
/// </summary>
/// <param name="Completions">The flow completions, in delivery order.</param>
/// <param name="FlowEvents">The <c>flows</c> field events.</param>
/// <param name="Problems">Flow replies that could not be read (e.g. <c>response_json</c> without a flow token).</param>
/// <param name="IgnoredChanges">Changes and messages of other kinds (statuses, text messages, address messages…).</param>
public sealed record WebhookNotification(
    IReadOnlyList<FlowCompletion> Completions,
    IReadOnlyList<FlowEvent> FlowEvents,
    IReadOnlyList<string> Problems,
    int IgnoredChanges)
{
    /// <summary>Parses a webhook body.</summary>
    /// <exception cref="FormatException">The body is not a <c>whatsapp_business_account</c> webhook JSON document.</exception>
    public static WebhookNotification Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonObject root;
        try
        {
            root = StrictJson.Parse(utf8Json) as JsonObject ?? throw new FormatException("The webhook body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new FormatException("The webhook body is not valid JSON.", ex);
        }
        if (Text(root["object"]) != "whatsapp_business_account")
        {
            throw new FormatException("The webhook body is not a whatsapp_business_account notification.");
        }

        var completions = new List<FlowCompletion>();
        var events = new List<FlowEvent>();
        var problems = new List<string>();
        var ignored = 0;
        foreach (var entry in Objects(root["entry"]))
        {
            var businessAccountId = Text(entry["id"]);
            foreach (var change in Objects(entry["changes"]))
            {
                var value = change["value"] as JsonObject;
                switch (Text(change["field"]))
                {
                    case "messages" when value is not null:
                        ignored += ReadMessages(value, businessAccountId, completions, problems);
                        break;
                    case "flows" when value is not null:
                        events.Add(FlowEvent.From(value));
                        break;
                    default:
                        ignored++;
                        break;
                }
            }
        }
        return new WebhookNotification(completions, events, problems, ignored);
    }

    private static int ReadMessages(JsonObject value, string? businessAccountId, List<FlowCompletion> completions, List<string> problems)
    {
        var ignored = 0;
        var phoneNumberId = Text(value["metadata"]?["phone_number_id"]);
        var contacts = Objects(value["contacts"]).ToList();
        ignored += value["statuses"] is JsonArray statuses ? statuses.Count : 0;
        foreach (var message in Objects(value["messages"]))
        {
            var reply = message["interactive"] as JsonObject;
            if (Text(message["type"]) != "interactive" || Text(reply?["type"]) != "nfm_reply"
                || reply?["nfm_reply"] is not JsonObject nfm || Text(nfm["name"]) != "flow")
            {
                ignored++;
                continue;
            }
            var messageId = Text(message["id"]);
            if (string.IsNullOrEmpty(messageId))
            {
                problems.Add("A flow reply has no message id.");
                continue;
            }
            JsonObject? response;
            try
            {
                // response_json is a JSON document inside a string: parse it a second time.
                response = StrictJson.Parse(Text(nfm["response_json"]) ?? "") as JsonObject;
            }
            catch (JsonException)
            {
                response = null;
            }
            var flowToken = response is null ? null : Text(response["flow_token"]);
            if (response is null || string.IsNullOrEmpty(flowToken))
            {
                problems.Add($"Flow reply {messageId} has no readable response_json with a flow_token.");
                continue;
            }
            var from = Text(message["from"]) ?? "";
            var contact = contacts.FirstOrDefault(c => Text(c["wa_id"]) == from) ?? contacts.FirstOrDefault();
            completions.Add(new FlowCompletion(
                MessageId: messageId,
                FlowToken: flowToken,
                Response: response,
                From: from,
                ContactName: Text(contact?["profile"]?["name"]),
                FlowMessageId: Text(message["context"]?["id"]),
                Timestamp: ParseTimestamp(Text(message["timestamp"])),
                PhoneNumberId: phoneNumberId,
                BusinessAccountId: businessAccountId));
        }
        return ignored;
    }

    private static DateTimeOffset? ParseTimestamp(string? unixSeconds) =>
        long.TryParse(unixSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static IEnumerable<JsonObject> Objects(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>() : [];
}

/// <summary>
/// A user finished a flow. <paramref name="Response"/> is the parsed <c>response_json</c>: the <c>complete</c>
/// action's payload or the endpoint's <c>extension_message_response.params</c>, always with <c>flow_token</c>.
/// It may hold personal data: do not log it.
/// </summary>
/// <param name="MessageId">The reply's message id: the de-duplication key (Meta retries deliveries).</param>
/// <param name="FlowToken">The flow token the flow was sent with.</param>
/// <param name="Response">The parsed <c>response_json</c>.</param>
/// <param name="From">The user's WhatsApp id (phone number).</param>
/// <param name="ContactName">The user's profile name, when sent.</param>
/// <param name="FlowMessageId">The id of the flow message this replies to (<c>context.id</c>).</param>
/// <param name="Timestamp">When the user sent the reply.</param>
/// <param name="PhoneNumberId">The business phone number id that received it.</param>
/// <param name="BusinessAccountId">The WhatsApp Business Account id (<c>entry.id</c>).</param>
public sealed record FlowCompletion(
    string MessageId,
    string FlowToken,
    JsonObject Response,
    string From,
    string? ContactName,
    string? FlowMessageId,
    DateTimeOffset? Timestamp,
    string? PhoneNumberId,
    string? BusinessAccountId);

/// <summary>
/// A <c>flows</c> webhook event: <c>FLOW_STATUS_CHANGE</c>, <c>CLIENT_ERROR_RATE</c>, <c>ENDPOINT_ERROR_RATE</c>,
/// <c>ENDPOINT_LATENCY</c> or <c>ENDPOINT_AVAILABILITY</c>. <see cref="Value"/> keeps every field Meta sent.
/// </summary>
/// <param name="Event">The event name.</param>
/// <param name="FlowId">The flow it concerns.</param>
/// <param name="OldStatus">For status changes, the previous status (absent at creation).</param>
/// <param name="NewStatus">For status changes, the new status.</param>
/// <param name="AlertState">For alerts, <c>ACTIVATED</c> or <c>DEACTIVATED</c>.</param>
/// <param name="Message">Meta's human-readable message.</param>
/// <param name="Value">The whole <c>value</c> object.</param>
public sealed record FlowEvent(
    string? Event, string? FlowId, string? OldStatus, string? NewStatus, string? AlertState, string? Message, JsonObject Value)
{
    internal static FlowEvent From(JsonObject value) => new(
        WebhookNotification.Text(value["event"]),
        WebhookNotification.Text(value["flow_id"]),
        WebhookNotification.Text(value["old_status"]),
        WebhookNotification.Text(value["new_status"]),
        WebhookNotification.Text(value["alert_state"]),
        WebhookNotification.Text(value["message"]),
        value);
}
