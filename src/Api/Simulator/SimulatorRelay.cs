using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Backend.Api.Endpoint;
using Backend.Api.Meta;
using Backend.Flows.Endpoint;
using Backend.Flows.Security;
using Microsoft.Extensions.Options;

namespace Backend.Api.Simulator;

/// <summary>A protocol problem the relay saw in an exchange (a status Meta's client acts on, an answer it would reject).</summary>
public sealed record SimulatorProtocolFinding(string Code, string Message);

/// <summary>How long each part of an exchange took, in milliseconds.</summary>
public sealed record SimulatorTimings(double SealMs, double RoundTripMs, double OpenMs);

/// <summary>
/// One exchange as the page shows it: the endpoint's HTTP status, the request and the answer in clear, whether the
/// body was signed, the timings, and the protocol findings.
/// </summary>
public sealed record SimulatorExchange(
    string EndpointUrl, int Status, JsonObject Request, JsonNode? Response, string? ResponseText, bool Signed,
    SimulatorTimings Timings, IReadOnlyList<SimulatorProtocolFinding> Findings);

/// <summary>
/// Plays Meta's client against a data endpoint: seals the clear request with <see cref="FlowRequestSealer"/> (a fresh
/// AES-128 key and IV, RSA-OAEP-SHA256 to the business public key, AES-GCM), signs the body with the app secret
/// (<c>X-Hub-Signature-256</c>) and adds <c>flow_token_signature</c> as Meta does for Flow JSON ≥ 7.3 with data API
/// ≥ 4.0, posts it over HTTP, opens the answer under the inverted IV, and checks it against the Flow JSON.
/// Nothing of a request or an answer is logged: only the action, the status and the time.
/// </summary>
internal sealed partial class SimulatorRelay(
    IHttpClientFactory clients, FlowKeyRing keys, IOptions<MetaOptions> meta, IOptions<FlowEndpointOptions> endpoint, ILogger<SimulatorRelay> logger)
{
    /// <summary>The named <see cref="HttpClient"/> the relay posts with.</summary>
    public const string ClientName = "simulator";

    /// <summary>This backend's business public key (the default target key).</summary>
    public string OwnPublicKeyPem => keys.CurrentPublicKeyPem;

    /// <summary>The configured app secret, if any.</summary>
    public string? ConfiguredAppSecret => meta.Value.AppSecret;

    /// <summary>
    /// Whether <paramref name="url"/> is an endpoint on this machine (<see cref="LoopbackEndpoint"/>): the only
    /// endpoints the simulator posts to, so that it cannot be used to reach other hosts.
    /// </summary>
    public static bool TryLoopback(string? url, out Uri uri, out string error)
    {
        var loopback = LoopbackEndpoint.TryParse(url, out uri);
        error = loopback ? "" : $"endpoint_url must be {LoopbackEndpoint.Rule}: the simulator posts nowhere else; got '{url}'.";
        return loopback;
    }

    /// <summary>Seals, signs and posts <paramref name="clearRequest"/> to <paramref name="endpointUrl"/>, and opens and checks the answer.</summary>
    public async Task<SimulatorExchange> ExchangeAsync(
        Uri endpointUrl, JsonObject clearRequest, string publicKeyPem, string? appSecret, SimulatorFlow? flow, CancellationToken cancellationToken)
    {
        var action = (string?)clearRequest["action"] ?? "";
        if (appSecret is not null && action != "ping" && clearRequest["flow_token_signature"] is null
            && clearRequest["flow_token"] is JsonValue token && token.TryGetValue<string>(out var flowToken) && SignsFlowToken(flow))
        {
            clearRequest["flow_token_signature"] = FlowTokenSignature.Sign(flowToken, appSecret, endpoint.Value.TokenSignatureClaim);
        }

        var clock = Stopwatch.StartNew();
        using var sealer = new FlowRequestSealer(publicKeyPem);
        var body = sealer.Seal(Encoding.UTF8.GetBytes(clearRequest.ToJsonString())).ToArray();
        var sealMs = clock.Elapsed.TotalMilliseconds;

        using var message = SignedPost(endpointUrl, body, appSecret);

        var findings = new List<SimulatorProtocolFinding>();
        clock.Restart();
        int status;
        string text;
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(message, cancellationToken);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var roundTrip = clock.Elapsed.TotalMilliseconds;
            LogUnreachable(logger, action, e.GetType().Name);
            findings.Add(new("endpoint_unreachable", $"The endpoint did not answer: {e.Message}"));
            return new(endpointUrl.ToString(), 0, clearRequest, null, null, appSecret is not null, new(sealMs, roundTrip, 0), findings);
        }
        var roundTripMs = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        JsonNode? clear = null;
        string? clearText = null;
        if (status == 200)
        {
            if (sealer.TryOpen(Encoding.UTF8.GetBytes(text), out var plaintext))
            {
                clearText = Encoding.UTF8.GetString(plaintext);
                clear = TryParse(clearText);
                if (clear is null)
                {
                    findings.Add(new("unreadable_response", "The answer decrypts, but is not JSON."));
                }
            }
            else
            {
                clearText = text;
                findings.Add(new("unreadable_response", "The 200 answer is not base64 AES-GCM under the request's key and the inverted IV."));
            }
        }
        else
        {
            clearText = text;
            clear = TryParse(text);
        }
        var openMs = clock.Elapsed.TotalMilliseconds;

        findings.AddRange(StatusFindings(status));
        if (clear is JsonObject answer && status == 200)
        {
            findings.AddRange(AnswerFindings(action, answer, flow));
        }
        LogExchanged(logger, action, status, roundTripMs);
        return new(endpointUrl.ToString(), status, clearRequest, clear, clear is null ? clearText : null, appSecret is not null,
            new(sealMs, roundTripMs, openMs), findings);
    }

    /// <summary>
    /// A POST of <paramref name="body"/> as <c>application/json</c>, with <c>X-Hub-Signature-256</c> when
    /// <paramref name="appSecret"/> is given: how Meta posts to a data endpoint and to a webhook.
    /// </summary>
    public static HttpRequestMessage SignedPost(Uri url, byte[] body, string? appSecret)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (!string.IsNullOrEmpty(appSecret))
        {
            message.Headers.TryAddWithoutValidation(HubSignature.HeaderName, HubSignature.Sign(body, appSecret));
        }
        return message;
    }

    private static IEnumerable<SimulatorProtocolFinding> StatusFindings(int status) => status switch
    {
        200 => [],
        421 => [new("key_refresh_needed", "421: the endpoint could not decrypt the request. Meta's client re-fetches the business public key and retries once; check the public key the simulator seals to.")],
        427 => [new("flow_token_invalid", "427: the flow token is no longer valid (or was never issued). Meta's client shows a generic error and disables the flow's button.")],
        432 => [new("signature_rejected", "432: the endpoint rejected the request's X-Hub-Signature-256 (or flow_token_signature). Check the app secret.")],
        _ => [new("unexpected_status", $"{status}: Meta counts any status but 200, 421, 427 and 432 as an unexpected_http_status_code error.")],
    };

    // What Meta's client would reject in a 200 answer: a screen the Flow JSON does not have, data the screen declares missing.
    private static IEnumerable<SimulatorProtocolFinding> AnswerFindings(string action, JsonObject answer, SimulatorFlow? flow)
    {
        if (action == "ping")
        {
            if ((string?)answer["data"]?["status"] != "active")
            {
                yield return new("bad_health_check", "A ping must be answered {\"data\":{\"status\":\"active\"}}.");
            }
            yield break;
        }
        if (answer["screen"] is not JsonValue screenValue || !screenValue.TryGetValue<string>(out var screen))
        {
            if (answer["data"]?["acknowledged"] is null)
            {
                yield return new("missing_screen", "The answer names no screen.");
            }
            yield break;
        }
        var data = answer["data"] as JsonObject;
        if (screen == CloseFlowResponse.SuccessScreen)
        {
            if (data?["extension_message_response"]?["params"]?["flow_token"] is not JsonValue)
            {
                yield return new("missing_flow_token", "A SUCCESS answer needs data.extension_message_response.params.flow_token.");
            }
            yield break;
        }
        if (flow?.Json is null)
        {
            yield break;
        }
        if (flow.Screen(screen) is not { } declared)
        {
            yield return new("unknown_screen", $"The answer names screen '{screen}', which the Flow JSON does not have.");
            yield break;
        }
        if (declared["data"] is JsonObject schema)
        {
            var missing = schema.Select(p => p.Key).Where(k => data is null || !data.ContainsKey(k)).ToList();
            if (missing.Count > 0)
            {
                yield return new("missing_screen_data", $"The answer misses data that screen '{screen}' declares: {string.Join(", ", missing)}.");
            }
        }
    }

    // Meta adds flow_token_signature with Flow JSON 7.3 or later and data API 4.0 or later.
    private static bool SignsFlowToken(SimulatorFlow? flow) =>
        flow?.Json is { } json
        && Version.TryParse((string?)json["version"], out var version) && version >= new Version(7, 3)
        && Version.TryParse((string?)json["data_api_version"], out var api) && api >= new Version(4, 0);

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(80, LogLevel.Information, "Simulator: {Action} answered {Status} in {ElapsedMs:F1} ms")]
    private static partial void LogExchanged(ILogger logger, string action, int status, double elapsedMs);

    [LoggerMessage(81, LogLevel.Warning, "Simulator: the endpoint did not answer {Action} ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string action, string error);
}
