using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace Backend.TestSupport.Graph;

/// <summary>
/// A local stand-in for Meta's Graph API (https://developers.facebook.com/docs/whatsapp/flows/reference/flowsapi), served over real HTTP on
/// 127.0.0.1. It keeps flows, Flow JSON and business public keys in memory, records every
/// request, and REJECTS with a 400 Graph-style error (code 100, message naming the mismatch) any
/// request whose method, path, headers, content type or body shape differs from the document;
/// every rejection is also listed in <see cref="Rejections"/>. Tests can script failures
/// (429/5xx/Graph codes, Retry-After, slow answers) with <see cref="FailNext"/>.
/// </summary>
public sealed partial class FakeGraphServer : IAsyncDisposable
{
    /// <summary>The token the server accepts unless another is given.</summary>
    public const string DefaultAccessToken = "EAAGfake0test0token0abcdefghijklmnop";

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly LoopbackListener _listener;
    private readonly object _gate = new();
    private readonly List<RecordedGraphRequest> _requests = [];
    private readonly List<string> _rejections = [];
    private readonly List<ScriptedFailure> _failures = [];
    private readonly Dictionary<string, FakeFlow> _flows = [];
    private readonly Dictionary<string, string> _publicKeys = [];
    private long _nextId = 7_000_000_000_000_001;
    private int _nextMessage = 1;

    private FakeGraphServer(string accessToken)
    {
        AccessToken = accessToken;
        _listener = LoopbackListener.Start(HandleAsync);
        BaseUrl = _listener.BaseUrl;
    }

    /// <summary>Base URL to configure the client with, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The bearer token the server expects.</summary>
    public string AccessToken { get; }

    /// <summary>The API version path segment the server expects.</summary>
    public string ApiVersion { get; init; } = "v23.0";

    /// <summary>The WABA the server knows.</summary>
    public string WabaId { get; init; } = "1000000000000001";

    /// <summary>A second WABA, source of migrations.</summary>
    public string OtherWabaId { get; init; } = "1000000000000002";

    /// <summary>The phone number the server knows.</summary>
    public string PhoneNumberId { get; init; } = "2000000000000001";

    /// <summary>Default page size of the flow list (Meta's is 25).</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>Answer the public-key GET wrapped in <c>data:[…]</c> (Postman's form) instead of flat.</summary>
    public bool WrapPublicKeyInData { get; set; }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<RecordedGraphRequest> Requests { get { lock (_gate) { return [.. _requests]; } } }

    /// <summary>Why requests were rejected as not matching the protocol document.</summary>
    public IReadOnlyList<string> Rejections { get { lock (_gate) { return [.. _rejections]; } } }

    /// <summary>The flows, by id.</summary>
    public IReadOnlyDictionary<string, FakeFlow> Flows { get { lock (_gate) { return new Dictionary<string, FakeFlow>(_flows); } } }

    /// <summary>Business public keys registered, by phone number id.</summary>
    public IReadOnlyDictionary<string, string> PublicKeys { get { lock (_gate) { return new Dictionary<string, string>(_publicKeys); } } }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static FakeGraphServer Start(string accessToken = DefaultAccessToken) => new(accessToken);

    /// <summary>Adds a flow directly (no request).</summary>
    public FakeFlow AddFlow(string name, FlowState status = FlowState.Draft, string? flowJson = null, string? wabaId = null)
    {
        lock (_gate)
        {
            var flow = new FakeFlow(NewId(), wabaId ?? WabaId, name) { Status = status, FlowJson = flowJson };
            _flows[flow.Id] = flow;
            return flow;
        }
    }

    /// <summary>
    /// The next <paramref name="times"/> requests matching <paramref name="method"/> and whose resource
    /// ends with <paramref name="resourceSuffix"/> get this answer instead of the normal one.
    /// </summary>
    public void FailNext(string method, string resourceSuffix, HttpStatusCode status, int code = 2, int times = 1,
        int? retryAfterSeconds = null, TimeSpan? delay = null, bool isTransient = false, string message = "An unexpected error has occurred. Please retry your request later.")
    {
        lock (_gate)
        {
            _failures.Add(new ScriptedFailure(method, resourceSuffix, status, code, retryAfterSeconds, delay, isTransient, message) { Remaining = times });
        }
    }

    /// <summary>The next matching request gets <paramref name="rawBody"/> as is (e.g. a proxy's HTML page, or broken JSON).</summary>
    public void AnswerNextRaw(string method, string resourceSuffix, HttpStatusCode status, string rawBody)
    {
        lock (_gate)
        {
            _failures.Add(new ScriptedFailure(method, resourceSuffix, status, 0, null, null, false, "") { Remaining = 1, RawBody = rawBody });
        }
    }

    /// <summary>Requests whose resource ends with the suffix (e.g. <c>/messages</c>).</summary>
    public IReadOnlyList<RecordedGraphRequest> RequestsTo(string method, string resourceSuffix) =>
        Requests.Where(r => r.Method == method && r.Resource.EndsWith(resourceSuffix, StringComparison.Ordinal)).ToList();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task HandleAsync(HttpListenerContext context)
    {
        Answer answer;
        try
        {
            var request = await ReadAsync(context.Request).ConfigureAwait(false);
            answer = await ProcessAsync(request).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            answer = Answer.GraphError(HttpStatusCode.InternalServerError, 1, "fake graph crashed: " + e.Message);
        }

        try
        {
            var response = context.Response;
            response.StatusCode = (int)answer.Status;
            response.ContentType = "application/json; charset=UTF-8";
            if (answer.RetryAfterSeconds is { } seconds)
            {
                response.AddHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Raw ?? answer.Body.ToJsonString(Relaxed));
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client gave up (e.g. its attempt timed out): nothing to answer.
        }
    }

    private async Task<RecordedGraphRequest> ReadAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
        var url = request.Url!;
        var path = url.AbsolutePath;
        var prefix = "/" + ApiVersion + "/";
        var resource = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path.TrimStart('/');
        var query = HttpUtility.ParseQueryString(url.Query);
        var queryMap = query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => query[k]!);
        var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!.ToLowerInvariant(), k => request.Headers[k]!);
        var recorded = new RecordedGraphRequest(request.HttpMethod, path, resource, queryMap, headers, buffer.ToArray());
        if (recorded.MediaType == "multipart/form-data" && Boundary(recorded.ContentType!) is { } boundary)
        {
            recorded = recorded with { Parts = MultipartPart.Parse(recorded.Body, boundary) ?? [] };
        }
        else if (recorded.MediaType == "application/x-www-form-urlencoded")
        {
            var form = HttpUtility.ParseQueryString(recorded.BodyText);
            recorded = recorded with { Form = form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k]!) };
        }

        lock (_gate)
        {
            _requests.Add(recorded);
        }

        return recorded;
    }

    private static string? Boundary(string contentType) =>
        contentType.Split(';').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))?["boundary=".Length..].Trim('"');

    private async Task<Answer> ProcessAsync(RecordedGraphRequest request)
    {
        if (!request.Path.StartsWith("/" + ApiVersion + "/", StringComparison.Ordinal))
        {
            return Reject(request, $"path must start with /{ApiVersion}/ (got {request.Path})");
        }

        if (request.Query.ContainsKey("access_token"))
        {
            return Reject(request, "the access token must travel in the Authorization header, not in the query string");
        }

        var auth = request.Headers.GetValueOrDefault("authorization");
        if (auth is null || !auth.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Reject(request, "missing 'Authorization: Bearer <token>' header");
        }

        if (auth["Bearer ".Length..] != AccessToken)
        {
            lock (_gate)
            {
                _rejections.Add($"{request}: wrong access token");
            }

            return Answer.GraphError(HttpStatusCode.Unauthorized, 190, "Invalid OAuth access token - Cannot parse access token", type: "OAuthException");
        }

        if (TakeFailure(request) is { } failure)
        {
            if (failure.Delay is { } delay)
            {
                await Task.Delay(delay).ConfigureAwait(false);
            }

            return failure.RawBody is { } raw
                ? new Answer(failure.Status, new JsonObject()) { Raw = raw }
                : Answer.GraphError(failure.Status, failure.Code, failure.Message, isTransient: failure.IsTransient) with { RetryAfterSeconds = failure.RetryAfterSeconds };
        }

        lock (_gate)
        {
            return Route(request);
        }
    }

    private ScriptedFailure? TakeFailure(RecordedGraphRequest request)
    {
        lock (_gate)
        {
            var failure = _failures.FirstOrDefault(f => f.Remaining > 0 && f.Method == request.Method && request.Resource.EndsWith(f.ResourceSuffix, StringComparison.Ordinal));
            if (failure is not null)
            {
                failure.Remaining--;
            }

            return failure;
        }
    }

    private Answer Reject(RecordedGraphRequest request, string mismatch)
    {
        lock (_gate)
        {
            _rejections.Add($"{request}: {mismatch}");
        }

        return Answer.GraphError(HttpStatusCode.BadRequest, 100, "(fake graph) request does not match Meta's Flows API reference: " + mismatch);
    }

    private string NewId() => (_nextId++).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record ScriptedFailure(string Method, string ResourceSuffix, HttpStatusCode Status, int Code, int? RetryAfterSeconds, TimeSpan? Delay, bool IsTransient, string Message)
    {
        public int Remaining { get; set; }

        public string? RawBody { get; init; }
    }

    /// <summary>An answer: status, JSON body, optional Retry-After.</summary>
    private sealed record Answer(HttpStatusCode Status, JsonNode Body)
    {
        public int? RetryAfterSeconds { get; init; }

        /// <summary>A body sent instead of <see cref="Body"/>, byte for byte.</summary>
        public string? Raw { get; init; }

        public static Answer Ok(JsonNode body) => new(HttpStatusCode.OK, body);

        public static Answer Success() => Ok(new JsonObject { ["success"] = true });

        public static Answer GraphError(HttpStatusCode status, int code, string message, int? subcode = null,
            string? userTitle = null, string? userMessage = null, string type = "OAuthException", bool isTransient = false)
        {
            var error = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code };
            if (subcode is not null)
            {
                error["error_subcode"] = subcode;
            }

            if (isTransient)
            {
                error["is_transient"] = true;
            }

            if (userTitle is not null)
            {
                error["error_user_title"] = userTitle;
            }

            if (userMessage is not null)
            {
                error["error_user_msg"] = userMessage;
            }

            error["fbtrace_id"] = "AfakeTrace" + code;
            return new(status, new JsonObject { ["error"] = error });
        }
    }
}

/// <summary>Lifecycle state of a fake flow.</summary>
public enum FlowState
{
    /// <summary>DRAFT</summary>
    Draft,
    /// <summary>PUBLISHED</summary>
    Published,
    /// <summary>DEPRECATED</summary>
    Deprecated,
    /// <summary>BLOCKED</summary>
    Blocked,
    /// <summary>THROTTLED</summary>
    Throttled,
}

/// <summary>A flow held by the fake server.</summary>
/// <param name="Id">Flow id.</param>
/// <param name="WabaId">Owning WABA.</param>
/// <param name="Name">Name at creation.</param>
public sealed record FakeFlow(string Id, string WabaId, string Name)
{
    /// <summary>Current name.</summary>
    public string CurrentName { get; set; } = Name;

    /// <summary>Categories (wire names).</summary>
    public List<string> Categories { get; set; } = ["OTHER"];

    /// <summary>Lifecycle state.</summary>
    public FlowState Status { get; set; }

    /// <summary>Current Flow JSON, if uploaded.</summary>
    public string? FlowJson { get; set; }

    /// <summary>Data endpoint.</summary>
    public string? EndpointUri { get; set; }

    /// <summary>Connected app.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>Validator findings on the current Flow JSON.</summary>
    public JsonArray ValidationErrors { get; set; } = [];

    /// <summary>Wire name of the status.</summary>
    public string StatusName => Status.ToString().ToUpperInvariant();
}
