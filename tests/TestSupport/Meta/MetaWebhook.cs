using System.Text.Json.Nodes;

namespace Backend.TestSupport.Meta;

/// <summary>Webhook bodies as Meta delivers them (https://developers.facebook.com/docs/whatsapp/flows/reference/flowswebhooks, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components).</summary>
public static class MetaWebhook
{
    /// <summary>A <c>messages</c> webhook carrying one flow completion (<c>nfm_reply</c>) whose <c>response_json</c> is <paramref name="responseJson"/>.</summary>
    public static JsonObject Completion(JsonObject responseJson, string messageId) => Completion(responseJson.ToJsonString(), messageId);

    /// <summary>The same with <c>response_json</c> given as its text, verbatim (which may be anything a test needs).</summary>
    public static JsonObject Completion(string responseJsonText, string messageId) =>
        new()
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "15550783881", ["phone_number_id"] = "106540352242922" },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Ana" }, ["wa_id"] = "15550001111" }),
                        ["messages"] = new JsonArray(new JsonObject
                        {
                            ["context"] = new JsonObject { ["from"] = "15550783881", ["id"] = "wamid.FLOW" },
                            ["from"] = "15550001111",
                            ["id"] = messageId,
                            ["timestamp"] = "1714510003",
                            ["type"] = "interactive",
                            ["interactive"] = new JsonObject
                            {
                                ["type"] = "nfm_reply",
                                ["nfm_reply"] = new JsonObject { ["name"] = "flow", ["body"] = "Sent", ["response_json"] = responseJsonText },
                            },
                        }),
                    },
                }),
            }),
        };
}
