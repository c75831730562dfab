using System.Globalization;
using System.Text.Json.Nodes;

namespace Backend.Api.Simulator;

/// <summary>
/// The <c>messages</c> webhook Meta sends when a user completes a flow: one <c>interactive</c> message of type
/// <c>nfm_reply</c> (name <c>flow</c>, body <c>Sent</c>) whose <c>response_json</c> is a JSON string holding the
/// flow token and the <c>complete</c> payload, or the endpoint's SUCCESS params (FLOWS-PROTOCOL.md §8).
/// </summary>
internal static class CompletionWebhook
{
    /// <summary>The delivery for <paramref name="responseJson"/>, from <paramref name="from"/>, as message <paramref name="messageId"/>.</summary>
    public static JsonObject Build(JsonObject responseJson, string from, string messageId, DateTimeOffset now) => new()
    {
        ["object"] = "whatsapp_business_account",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = "0",
            ["changes"] = new JsonArray(new JsonObject
            {
                ["field"] = "messages",
                ["value"] = new JsonObject
                {
                    ["messaging_product"] = "whatsapp",
                    ["metadata"] = new JsonObject { ["display_phone_number"] = "15550000001", ["phone_number_id"] = "0" },
                    ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Simulator" }, ["wa_id"] = from }),
                    ["messages"] = new JsonArray(new JsonObject
                    {
                        ["context"] = new JsonObject { ["from"] = "15550000001", ["id"] = "wamid.SIMULATOR" },
                        ["from"] = from,
                        ["id"] = messageId,
                        ["timestamp"] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                        ["type"] = "interactive",
                        ["interactive"] = new JsonObject
                        {
                            ["type"] = "nfm_reply",
                            ["nfm_reply"] = new JsonObject { ["name"] = "flow", ["body"] = "Sent", ["response_json"] = responseJson.ToJsonString() },
                        },
                    }),
                },
            }),
        }),
    };
}
