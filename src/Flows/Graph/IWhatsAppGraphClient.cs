namespace Backend.Flows.Graph;

/// <summary>
/// Meta's Graph API for WhatsApp Flows: manage flows and their Flow JSON, the business public key,
/// and send flow messages (https://developers.facebook.com/docs/whatsapp/flows/reference/flowsapi). Ids left out default to the configured
/// <see cref="WhatsAppGraphOptions.WabaId"/> and <see cref="WhatsAppGraphOptions.PhoneNumberId"/>.
/// Errors surface as <see cref="GraphApiException"/> subclasses, lost connections as
/// <see cref="GraphUnreachableException"/>.
/// </summary>
public interface IWhatsAppGraphClient
{
    /// <summary>Creates a flow (<c>POST /{WABA-ID}/flows</c>). Not retried: a repeat would create a second flow.</summary>
    Task<CreateFlowResult> CreateFlowAsync(CreateFlowRequest request, string? wabaId = null, CancellationToken cancellationToken = default);

    /// <summary>Updates name, categories, endpoint URI or application (<c>POST /{FLOW-ID}</c>).</summary>
    Task UpdateFlowMetadataAsync(string flowId, UpdateFlowMetadataRequest request, CancellationToken cancellationToken = default);

    /// <summary>Uploads the Flow JSON as the <c>flow.json</c> asset; Meta's validation findings come back in the result.</summary>
    Task<FlowJsonUploadResult> UploadFlowJsonAsync(string flowId, FlowJsonContent flowJson, CancellationToken cancellationToken = default);

    /// <summary>Reads a flow with the given fields (default: <see cref="FlowFields.All"/>).</summary>
    /// <param name="flowId">The flow.</param>
    /// <param name="fields">Fields to request; see <see cref="FlowFields"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<FlowDetails> GetFlowAsync(string flowId, IEnumerable<string>? fields = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the web preview link, optionally invalidating the previous one.</summary>
    Task<FlowPreview> GetFlowPreviewAsync(string flowId, bool invalidate = false, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of the WABA's flows; pass the previous page's <see cref="GraphPage{T}.NextCursor"/>.</summary>
    Task<GraphPage<FlowDetails>> GetFlowsPageAsync(string? after = null, int? limit = null, string? wabaId = null, CancellationToken cancellationToken = default);

    /// <summary>Enumerates all the WABA's flows, fetching pages as needed.</summary>
    IAsyncEnumerable<FlowDetails> ListFlowsAsync(int? pageSize = null, string? wabaId = null, CancellationToken cancellationToken = default);

    /// <summary>Enumerates the flow's assets (the <c>flow.json</c> with its download link).</summary>
    IAsyncEnumerable<FlowAsset> ListAssetsAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>Publishes a draft (<c>POST /{FLOW-ID}/publish</c>); failures raise <see cref="FlowPublishException"/>.</summary>
    Task PublishFlowAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>Deprecates a published flow; failures raise <see cref="FlowDeprecateException"/>.</summary>
    Task DeprecateFlowAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a draft flow; failures raise <see cref="FlowDeleteException"/>.</summary>
    Task DeleteFlowAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>Copies flows by name from another WABA (at most 100). Not retried.</summary>
    Task<FlowMigrationResult> MigrateFlowsAsync(string sourceWabaId, IReadOnlyList<string> sourceFlowNames, string? destinationWabaId = null, CancellationToken cancellationToken = default);

    /// <summary>Registers the business public key (PEM of an RSA-2048 public key) for a phone number.</summary>
    Task SetBusinessPublicKeyAsync(string publicKeyPem, string? phoneNumberId = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the business public key and its signature status (flat or <c>data:[…]</c> answers).</summary>
    Task<BusinessPublicKeyInfo> GetBusinessPublicKeyAsync(string? phoneNumberId = null, CancellationToken cancellationToken = default);

    /// <summary>Sends an interactive flow message. Never retried: a repeat would send the message twice.</summary>
    Task<SentMessage> SendFlowMessageAsync(FlowMessage message, string? phoneNumberId = null, CancellationToken cancellationToken = default);
}

/// <summary>Field names of a flow for <see cref="IWhatsAppGraphClient.GetFlowAsync"/>.</summary>
public static class FlowFields
{
    /// <summary><c>id</c></summary>
    public const string Id = "id";
    /// <summary><c>name</c></summary>
    public const string Name = "name";
    /// <summary><c>categories</c></summary>
    public const string Categories = "categories";
    /// <summary><c>preview</c> (the link; use <see cref="IWhatsAppGraphClient.GetFlowPreviewAsync"/> to invalidate)</summary>
    public const string Preview = "preview";
    /// <summary><c>status</c></summary>
    public const string Status = "status";
    /// <summary><c>validation_errors</c></summary>
    public const string ValidationErrors = "validation_errors";
    /// <summary><c>json_version</c></summary>
    public const string JsonVersion = "json_version";
    /// <summary><c>data_api_version</c></summary>
    public const string DataApiVersion = "data_api_version";
    /// <summary><c>endpoint_uri</c></summary>
    public const string EndpointUri = "endpoint_uri";
    /// <summary><c>whatsapp_business_account</c></summary>
    public const string WhatsAppBusinessAccount = "whatsapp_business_account";
    /// <summary><c>application</c></summary>
    public const string Application = "application";
    /// <summary><c>health_status</c></summary>
    public const string HealthStatus = "health_status";

    /// <summary><c>health_status</c> for one phone number: <c>health_status.phone_number(ID)</c>.</summary>
    public static string HealthStatusFor(string phoneNumberId) => $"health_status.phone_number({GraphIds.Require(phoneNumberId, nameof(phoneNumberId))})";

    /// <summary>Every documented field.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Id, Name, Categories, Preview, Status, ValidationErrors, JsonVersion, DataApiVersion, EndpointUri, WhatsAppBusinessAccount, Application, HealthStatus];

    /// <summary>The fields the flow list returns by default.</summary>
    public static IReadOnlyList<string> Summary { get; } = [Id, Name, Status, Categories, ValidationErrors];
}
