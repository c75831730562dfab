using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Backend.Flows.Graph;

/// <summary>
/// Typed <see cref="HttpClient"/> client of the Graph API for flows. Register it with
/// <c>services.AddWhatsAppGraphClient(...)</c>. Retries (backoff with jitter, <c>Retry-After</c>
/// honoured) apply to calls that are safe to repeat: reads, delete, metadata update, upload,
/// publish, deprecate and the public key; never to create, migrate or send.
/// </summary>
public sealed class WhatsAppGraphClient : IWhatsAppGraphClient
{
    private readonly WhatsAppGraphOptions _options;
    private readonly GraphTransport _transport;

    /// <summary>Creates the client; <paramref name="http"/> normally comes from IHttpClientFactory.</summary>
    public WhatsAppGraphClient(HttpClient http, IOptions<WhatsAppGraphOptions> options, ILogger<WhatsAppGraphClient>? logger = null, TimeProvider? time = null)
    {
        _options = options.Value;
        var validation = new WhatsAppGraphOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(WhatsAppGraphOptions), typeof(WhatsAppGraphOptions), validation.Failures);
        }

        http.BaseAddress = _options.VersionedBaseUrl;
        // Each attempt has its own deadline (AttemptTimeout); the overall call is bounded by retries.
        http.Timeout = Timeout.InfiniteTimeSpan;
        _transport = new GraphTransport(http, _options, (ILogger?)logger ?? NullLogger.Instance, time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public async Task<CreateFlowResult> CreateFlowAsync(CreateFlowRequest request, string? wabaId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireText(request.Name, "name");
        RequireCategories(request.Categories);
        if (request.Publish == true && request.FlowJson is null)
        {
            throw new ArgumentException("publish needs flow_json.", nameof(request));
        }

        var waba = Waba(wabaId);
        var wire = new CreateFlowWire(request.Name, request.Categories, request.FlowJson, request.Publish,
            request.CloneFlowId is null ? null : GraphIds.Require(request.CloneFlowId, "clone_flow_id"),
            request.EndpointUri?.AbsoluteUri);
        var answer = await _transport.SendAsync(HttpMethod.Post, $"{waba}/flows",
            () => Json(wire, GraphJsonContext.Wire.CreateFlowWire), idempotent: false,
            GraphJsonContext.Default.GraphValidationAnswer, cancellationToken).ConfigureAwait(false);
        return new CreateFlowResult(answer.Id ?? "", answer.Success, answer.ValidationErrors ?? []);
    }

    /// <inheritdoc />
    public async Task UpdateFlowMetadataAsync(string flowId, UpdateFlowMetadataRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = GraphIds.Require(flowId, nameof(flowId));
        if (request is { Name: null, Categories: null, EndpointUri: null, ApplicationId: null })
        {
            throw new ArgumentException("Nothing to update: set a name, categories, endpoint URI or application id.", nameof(request));
        }

        if (request.Name is not null)
        {
            RequireText(request.Name, "name");
        }

        if (request.Categories is not null)
        {
            RequireCategories(request.Categories);
        }

        var wire = new UpdateFlowWire(request.Name, request.Categories, request.EndpointUri?.AbsoluteUri,
            request.ApplicationId is null ? null : GraphIds.Require(request.ApplicationId, "application_id"));
        await Success(HttpMethod.Post, id, () => Json(wire, GraphJsonContext.Wire.UpdateFlowWire), idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<FlowJsonUploadResult> UploadFlowJsonAsync(string flowId, FlowJsonContent flowJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flowJson);
        var id = GraphIds.Require(flowId, nameof(flowId));
        var answer = await _transport.SendAsync(HttpMethod.Post, $"{id}/assets", () => FlowJsonForm(flowJson),
            idempotent: true, GraphJsonContext.Default.GraphValidationAnswer, cancellationToken).ConfigureAwait(false);
        return new FlowJsonUploadResult(answer.Success, answer.ValidationErrors ?? []);
    }

    /// <inheritdoc />
    public Task<FlowDetails> GetFlowAsync(string flowId, IEnumerable<string>? fields = null, CancellationToken cancellationToken = default)
    {
        var id = GraphIds.Require(flowId, nameof(flowId));
        var list = (fields ?? FlowFields.All).ToList();
        if (list.Count == 0 || list.Any(f => f.Length == 0 || f.Any(c => c is ',' or '&' or '#' or ' ')))
        {
            throw new ArgumentException("fields must be non-empty field names.", nameof(fields));
        }

        return _transport.SendAsync(HttpMethod.Get, $"{id}?fields={Uri.EscapeDataString(string.Join(',', list))}", null,
            idempotent: true, GraphJsonContext.Default.FlowDetails, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<FlowPreview> GetFlowPreviewAsync(string flowId, bool invalidate = false, CancellationToken cancellationToken = default)
    {
        var field = $"preview.invalidate({(invalidate ? "true" : "false")})";
        var flow = await GetFlowAsync(flowId, [field], cancellationToken).ConfigureAwait(false);
        return flow.Preview ?? throw new GraphApiException(new GraphError(System.Net.HttpStatusCode.OK, 0, null, "The answer had no preview.", null, null));
    }

    /// <inheritdoc />
    public Task<GraphPage<FlowDetails>> GetFlowsPageAsync(string? after = null, int? limit = null, string? wabaId = null, CancellationToken cancellationToken = default)
    {
        var path = $"{Waba(wabaId)}/flows" + Query(("fields", string.Join(',', FlowFields.Summary)), ("limit", Limit(limit)), ("after", after));
        return _transport.SendAsync(HttpMethod.Get, path, null, idempotent: true, GraphJsonContext.Default.GraphPageFlowDetails, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FlowDetails> ListFlowsAsync(int? pageSize = null, string? wabaId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var waba = Waba(wabaId);
        string? after = null;
        do
        {
            var page = await GetFlowsPageAsync(after, pageSize, waba, cancellationToken).ConfigureAwait(false);
            foreach (var flow in page.Data)
            {
                yield return flow;
            }

            after = page.Data.Count == 0 ? null : page.NextCursor;
        }
        while (after is not null);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FlowAsset> ListAssetsAsync(string flowId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var id = GraphIds.Require(flowId, nameof(flowId));
        string? after = null;
        do
        {
            // Follow cursors against our own base URL: `paging.next` is an absolute URL that would
            // bypass the configured base address (and carries the token in some Graph versions).
            var page = await _transport.SendAsync(HttpMethod.Get, $"{id}/assets" + Query(("after", after)), null,
                idempotent: true, GraphJsonContext.Default.GraphPageFlowAsset, cancellationToken).ConfigureAwait(false);
            foreach (var asset in page.Data)
            {
                yield return asset;
            }

            after = page.Data.Count == 0 ? null : page.NextCursor;
        }
        while (after is not null);
    }

    /// <inheritdoc />
    public Task PublishFlowAsync(string flowId, CancellationToken cancellationToken = default) =>
        Success(HttpMethod.Post, $"{GraphIds.Require(flowId, nameof(flowId))}/publish", null, idempotent: true, cancellationToken);

    /// <inheritdoc />
    public Task DeprecateFlowAsync(string flowId, CancellationToken cancellationToken = default) =>
        Success(HttpMethod.Post, $"{GraphIds.Require(flowId, nameof(flowId))}/deprecate", null, idempotent: true, cancellationToken);

    /// <inheritdoc />
    public Task DeleteFlowAsync(string flowId, CancellationToken cancellationToken = default) =>
        Success(HttpMethod.Delete, GraphIds.Require(flowId, nameof(flowId)), null, idempotent: true, cancellationToken);

    /// <inheritdoc />
    public Task<FlowMigrationResult> MigrateFlowsAsync(string sourceWabaId, IReadOnlyList<string> sourceFlowNames, string? destinationWabaId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceFlowNames);
        var source = GraphIds.Require(sourceWabaId, nameof(sourceWabaId));
        if (sourceFlowNames.Count is 0 or > 100 || sourceFlowNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Migrate between 1 and 100 flows, named by non-empty names.", nameof(sourceFlowNames));
        }

        var names = JsonSerializer.Serialize(sourceFlowNames.ToList(), GraphJsonContext.Wire.ListString);
        var path = $"{Waba(destinationWabaId)}/migrate_flows" + Query(("source_waba_id", source), ("source_flow_names", names));
        return _transport.SendAsync(HttpMethod.Post, path, null, idempotent: false, GraphJsonContext.Default.FlowMigrationResult, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetBusinessPublicKeyAsync(string publicKeyPem, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        var pem = RequireRsa2048PublicKey(publicKeyPem);
        return Success(HttpMethod.Post, $"{Phone(phoneNumberId)}/whatsapp_business_encryption",
            () => new FormUrlEncodedContent([new("business_public_key", pem)]), idempotent: true, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BusinessPublicKeyInfo> GetBusinessPublicKeyAsync(string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        var answer = await _transport.SendAsync(HttpMethod.Get, $"{Phone(phoneNumberId)}/whatsapp_business_encryption", null,
            idempotent: true, GraphJsonContext.Default.BusinessPublicKeyAnswer, cancellationToken).ConfigureAwait(false);
        // The docs show a flat object; Meta's Postman sample wraps it in data:[…] (docs/graph-api.md, "Get public key"). Accept both.
        var flat = answer.BusinessPublicKey is not null ? answer : answer.Data?.FirstOrDefault(a => a.BusinessPublicKey is not null);
        return flat is null
            ? throw new GraphApiException(new GraphError(System.Net.HttpStatusCode.OK, 0, null, "No business public key is registered for this phone number.", null, null))
            : new BusinessPublicKeyInfo(flat.BusinessPublicKey!, flat.BusinessPublicKeySignatureStatus);
    }

    /// <inheritdoc />
    public Task<SentMessage> SendFlowMessageAsync(FlowMessage message, string? phoneNumberId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var problems = message.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The flow message can't be sent: " + string.Join(" ", problems), nameof(message));
        }

        var wire = message.ToWire(_options.SendFlowActionDataAsString);
        return _transport.SendAsync(HttpMethod.Post, $"{Phone(phoneNumberId)}/messages",
            () => Json(wire, GraphJsonContext.Wire.FlowMessageWire), idempotent: false,
            GraphJsonContext.Default.SentMessage, cancellationToken);
    }

    private async Task Success(HttpMethod method, string path, Func<HttpContent?>? content, bool idempotent, CancellationToken cancellationToken)
    {
        var answer = await _transport.SendAsync(method, path, content, idempotent, GraphJsonContext.Default.GraphSuccess, cancellationToken).ConfigureAwait(false);
        if (!answer.Success)
        {
            throw new GraphApiException(new GraphError(System.Net.HttpStatusCode.OK, 0, null, $"Graph {method} {path} answered success=false.", null, null));
        }
    }

    private static MultipartFormDataContent FlowJsonForm(FlowJsonContent flowJson)
    {
        var file = new ReadOnlyMemoryContent(flowJson.Utf8);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new MultipartFormDataContent
        {
            { file, "file", "flow.json" },
            { new StringContent("flow.json", Encoding.UTF8, "text/plain"), "name" },
            { new StringContent("FLOW_JSON", Encoding.UTF8, "text/plain"), "asset_type" },
        };
    }

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }

    private static string? Limit(int? limit) => limit switch
    {
        null => null,
        > 0 and <= 1000 => limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(limit), "limit must be between 1 and 1000."),
    };

    private string Waba(string? wabaId) =>
        GraphIds.Require(wabaId ?? _options.WabaId ?? throw new InvalidOperationException("No WABA id: pass one or set WhatsAppGraphOptions.WabaId."), "wabaId");

    private string Phone(string? phoneNumberId) =>
        GraphIds.Require(phoneNumberId ?? _options.PhoneNumberId ?? throw new InvalidOperationException("No phone number id: pass one or set WhatsAppGraphOptions.PhoneNumberId."), "phoneNumberId");


    private static void RequireText(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} must not be empty.", name);
        }
    }

    private static void RequireCategories(IReadOnlyList<FlowCategory>? categories)
    {
        if (categories is null || categories.Count == 0)
        {
            throw new ArgumentException("At least one category is required.", nameof(categories));
        }
    }

    /// <summary>Refuses anything but the PEM of an RSA-2048 public key: a private key must never leave the machine.</summary>
    internal static string RequireRsa2048PublicKey(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new ArgumentException("Not a PEM document.", nameof(pem));
        }

        var label = pem[fields.Label];
        if (label is not ("PUBLIC KEY" or "RSA PUBLIC KEY"))
        {
            throw new ArgumentException($"Expected a PUBLIC KEY PEM, found '{label}'. Upload the public key, never the private one.", nameof(pem));
        }

        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException("The PEM is not a readable RSA public key: " + e.Message, nameof(pem), e);
        }

        return rsa.KeySize == 2048
            ? pem[fields.Location].ToString()
            : throw new ArgumentException($"Meta requires a 2048-bit RSA key; this one has {rsa.KeySize} bits.", nameof(pem));
    }
}
