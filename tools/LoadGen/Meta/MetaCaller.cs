using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backend.Flows.Security;
using Backend.LoadGen.Measurement;
using Backend.Flows.Endpoint;

namespace Backend.LoadGen.Meta;

/// <summary>What a step expects back from the data endpoint.</summary>
/// <param name="Status">The HTTP status: 200 (then <paramref name="Answer"/> is checked) or e.g. 427.</param>
/// <param name="Answer">The decrypted answer, compared as JSON (object member order does not matter).</param>
internal sealed record ExpectedAnswer(int Status, JsonObject? Answer)
{
    /// <summary>The answer as compact UTF-8: an identical plaintext passes without being parsed.</summary>
    public byte[] Utf8 { get; } = Answer is null ? [] : Encoding.UTF8.GetBytes(Answer.ToJsonString());

    /// <summary>200 with a screen and its data.</summary>
    public static ExpectedAnswer Screen(string screen, JsonObject data) =>
        new(200, new JsonObject { ["screen"] = screen, ["data"] = data });
}

/// <summary>
/// Makes the HTTP calls of one virtual user as Meta (and the operator) would: sealed and signed endpoint requests,
/// the admin API's token issuing, signed webhooks. Each call is timed, recorded and verified; a failed check is
/// counted by kind and status. Not thread-safe: one caller per concurrently running operation.
/// </summary>
internal sealed class MetaCaller : IDisposable
{
    private readonly HttpClient _http;
    private readonly LoadOptions _options;
    private readonly RunRecorder _recorder;
    private readonly Uri _endpoint;
    private readonly Uri _webhook;
    private readonly Uri _sessions;
    private readonly FlowRequestSealer _sealer;
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly Utf8JsonWriter _writer;
    private byte[] _answer = new byte[4096];

    public MetaCaller(HttpClient http, LoadOptions options, RunRecorder recorder)
    {
        _http = http;
        _options = options;
        _recorder = recorder;
        _endpoint = options.EndpointUrl;
        _webhook = new Uri(options.Url, "webhook");
        _sessions = new Uri(options.Url, $"admin/flows/{Uri.EscapeDataString(options.Flow)}/sessions");
        _sealer = new FlowRequestSealer(options.PublicKeyPem);
        _writer = new Utf8JsonWriter(_payload);
    }

    /// <summary>The flow token this caller keeps across operations (step mode: one session per virtual user).</summary>
    public string? SessionToken { get; set; }

    /// <summary>The number of the operation that opened <see cref="SessionToken"/>: the step mode's user identity.</summary>
    public long SessionNumber { get; set; }

    /// <summary>Starts a new JSON payload; write one document, then call a send method.</summary>
    public Utf8JsonWriter BeginPayload()
    {
        _payload.ResetWrittenCount();
        _writer.Reset(_payload);
        return _writer;
    }

    /// <summary>
    /// Seals the written payload, posts it to the data endpoint and checks the answer against
    /// <paramref name="expected"/>. Latency runs from <paramref name="start"/> (the intended start in open loop)
    /// to the end of the answer. <paramref name="secret"/> is masked in any failure detail.
    /// </summary>
    public async Task<bool> ExchangeAsync(Step step, long start, ExpectedAnswer expected, string? secret = null)
    {
        _writer.Flush();
        var body = _sealer.Seal(_payload.WrittenSpan);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = Json(body) };
        if (_options.AppSecret is { } appSecret)
        {
            request.Headers.TryAddWithoutValidation(HubSignature.HeaderName, HubSignature.Sign(body.Span, appSecret));
        }
        var (status, length) = await SendAsync(step, start, request);
        if (status < 0)
        {
            return false;
        }
        if (status != expected.Status)
        {
            return FailStatus(step, status, expected.Status, length);
        }
        if (expected.Answer is null)
        {
            return true;
        }
        if (!_sealer.TryOpen(_answer.AsSpan(0, length), out var plaintext))
        {
            _recorder.Fail(step, FailureKind.Decryption, status, "The 200 answer does not decrypt with the request's AES key and the inverted IV.");
            return false;
        }
        return Check(step, plaintext, expected, secret);
    }

    /// <summary>Asks the admin API for an issued flow token; null (and a recorded failure) when that fails.</summary>
    public async Task<string?> IssueTokenAsync(string waId, long start)
    {
        var writer = BeginPayload();
        writer.WriteStartObject();
        writer.WriteString("to", waId);
        writer.WriteEndObject();
        writer.Flush();
        using var request = new HttpRequestMessage(HttpMethod.Post, _sessions) { Content = Json(_payload.WrittenMemory) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminToken);
        var (status, length) = await SendAsync(Step.IssueToken, start, request);
        if (status < 0)
        {
            return null;
        }
        // The product answers 201 Created with the session; 200 is accepted from other deployments.
        if (status is not (201 or 200))
        {
            FailStatus(Step.IssueToken, status, 201, length);
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(_answer.AsMemory(0, length));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("flow_token", out var token)
                && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } flowToken)
            {
                return flowToken;
            }
        }
        catch (JsonException)
        {
        }
        _recorder.Fail(Step.IssueToken, FailureKind.InvalidJson, status, "The admin API's answer is not a JSON object with a non-empty \"flow_token\".");
        return null;
    }

    /// <summary>Posts the written payload to the webhook, signed with the app secret; expects 200.</summary>
    public async Task<bool> PostWebhookAsync(long start)
    {
        _writer.Flush();
        var body = _payload.WrittenMemory;
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhook) { Content = Json(body) };
        request.Headers.TryAddWithoutValidation(HubSignature.HeaderName, HubSignature.Sign(body.Span, _options.AppSecret!));
        var (status, length) = await SendAsync(Step.Webhook, start, request);
        return status == 200 || (status >= 0 && FailStatus(Step.Webhook, status, 200, length));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        _sealer.Dispose();
    }

    private static ReadOnlyMemoryContent Json(ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }

    /// <summary>Sends, reads the whole answer into the reused buffer, records it. Status -1: no answer (recorded).</summary>
    private async Task<(int Status, int Length)> SendAsync(Step step, long start, HttpRequestMessage request)
    {
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var stream = await response.Content.ReadAsStreamAsync();
            var length = 0;
            while (true)
            {
                if (length == _answer.Length)
                {
                    Array.Resize(ref _answer, _answer.Length * 2);
                }
                var read = await stream.ReadAsync(_answer.AsMemory(length));
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            var status = (int)response.StatusCode;
            _recorder.RecordRequest(step, start, Stopwatch.GetTimestamp(), status);
            return (status, length);
        }
        catch (TaskCanceledException)
        {
            _recorder.Fail(step, FailureKind.Timeout, null, $"No answer within {_options.RequestTimeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException ex)
        {
            _recorder.Fail(step, FailureKind.Transport, null, ex.Message);
        }
        catch (IOException ex)
        {
            _recorder.Fail(step, FailureKind.Transport, null, ex.Message);
        }
        return (-1, 0);
    }

    private bool FailStatus(Step step, int status, int expected, int length)
    {
        // Error answers are short texts from the server (never a password); 200 bodies are ciphertext or tokens.
        var text = status == 200 ? "" : Encoding.UTF8.GetString(_answer, 0, Math.Min(length, 200)).ReplaceLineEndings(" ");
        _recorder.Fail(step, status >= 500 ? FailureKind.ServerError : FailureKind.UnexpectedStatus, status,
            $"Expected HTTP {expected}, got {status}{(text.Length > 0 ? ": " + text : "")}");
        return false;
    }

    private bool Check(Step step, ReadOnlySpan<byte> plaintext, ExpectedAnswer expected, string? secret)
    {
        if (plaintext.SequenceEqual(expected.Utf8))
        {
            return true;
        }
        JsonNode? actual;
        try
        {
            actual = JsonNode.Parse(plaintext);
        }
        catch (JsonException)
        {
            actual = null;
        }
        if (actual is not JsonObject answer)
        {
            _recorder.Fail(step, FailureKind.InvalidJson, 200, "The decrypted answer is not a JSON object.");
            return false;
        }
        if (JsonNode.DeepEquals(answer, expected.Answer))
        {
            return true;
        }
        var kind = JsonNode.DeepEquals(answer["screen"], expected.Answer!["screen"]) ? FailureKind.WrongData : FailureKind.WrongScreen;
        _recorder.Fail(step, kind, 200, $"Expected {expected.Answer!.ToJsonString()}, got {Redaction.Redact(answer, secret)}");
        return false;
    }
}
