using System.Text.Json.Serialization;

namespace Backend.Flows.Graph;

/// <summary>Flow categories accepted by Meta when creating or updating a flow.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlowCategory>))]
public enum FlowCategory
{
    /// <summary><c>SIGN_UP</c></summary>
    [JsonStringEnumMemberName("SIGN_UP")] SignUp,
    /// <summary><c>SIGN_IN</c></summary>
    [JsonStringEnumMemberName("SIGN_IN")] SignIn,
    /// <summary><c>APPOINTMENT_BOOKING</c></summary>
    [JsonStringEnumMemberName("APPOINTMENT_BOOKING")] AppointmentBooking,
    /// <summary><c>LEAD_GENERATION</c></summary>
    [JsonStringEnumMemberName("LEAD_GENERATION")] LeadGeneration,
    /// <summary><c>CONTACT_US</c></summary>
    [JsonStringEnumMemberName("CONTACT_US")] ContactUs,
    /// <summary><c>CUSTOMER_SUPPORT</c></summary>
    [JsonStringEnumMemberName("CUSTOMER_SUPPORT")] CustomerSupport,
    /// <summary><c>SURVEY</c></summary>
    [JsonStringEnumMemberName("SURVEY")] Survey,
    /// <summary><c>OTHER</c></summary>
    [JsonStringEnumMemberName("OTHER")] Other,
}

/// <summary>Lifecycle state of a flow.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlowStatus>))]
public enum FlowStatus
{
    /// <summary>Editable, sendable only with mode draft.</summary>
    [JsonStringEnumMemberName("DRAFT")] Draft,
    /// <summary>Published: sendable, no longer editable in place.</summary>
    [JsonStringEnumMemberName("PUBLISHED")] Published,
    /// <summary>Terminal: cannot be sent or opened.</summary>
    [JsonStringEnumMemberName("DEPRECATED")] Deprecated,
    /// <summary>Blocked by health monitoring: no sending, no opening.</summary>
    [JsonStringEnumMemberName("BLOCKED")] Blocked,
    /// <summary>Throttled: at most 10 messages per hour.</summary>
    [JsonStringEnumMemberName("THROTTLED")] Throttled,
}

/// <summary>Whether messages with the flow can be sent (<c>health_status.can_send_message</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlowSendability>))]
public enum FlowSendability
{
    /// <summary><c>AVAILABLE</c></summary>
    [JsonStringEnumMemberName("AVAILABLE")] Available,
    /// <summary><c>LIMITED</c></summary>
    [JsonStringEnumMemberName("LIMITED")] Limited,
    /// <summary><c>BLOCKED</c></summary>
    [JsonStringEnumMemberName("BLOCKED")] Blocked,
}

/// <summary>Request of <c>POST /{WABA-ID}/flows</c>.</summary>
/// <param name="Name">Flow name, unique within the WABA.</param>
/// <param name="Categories">At least one category.</param>
public sealed record CreateFlowRequest(string Name, IReadOnlyList<FlowCategory> Categories)
{
    /// <summary>Optional Flow JSON (the document as a string) uploaded with the creation.</summary>
    public string? FlowJson { get; init; }

    /// <summary>Publish right away (needs a valid <see cref="FlowJson"/>).</summary>
    public bool? Publish { get; init; }

    /// <summary>Id of an existing flow to clone.</summary>
    public string? CloneFlowId { get; init; }

    /// <summary>Data endpoint of the flow (Flow JSON 3.0 or later).</summary>
    public Uri? EndpointUri { get; init; }
}

/// <summary>Answer of a flow creation.</summary>
/// <param name="Id">The new flow's id.</param>
/// <param name="Success">Meta's <c>success</c> flag.</param>
/// <param name="ValidationErrors">Findings of Meta's validator on the supplied Flow JSON, if any.</param>
public sealed record CreateFlowResult(string Id, bool Success, IReadOnlyList<FlowValidationError> ValidationErrors);

/// <summary>Request of <c>POST /{FLOW-ID}</c>: every property left null is left unchanged.</summary>
public sealed record UpdateFlowMetadataRequest
{
    /// <summary>New name.</summary>
    public string? Name { get; init; }

    /// <summary>New categories (at least one when set).</summary>
    public IReadOnlyList<FlowCategory>? Categories { get; init; }

    /// <summary>New data endpoint URI.</summary>
    public Uri? EndpointUri { get; init; }

    /// <summary>Meta app connected to the flow (required for endpoint flows).</summary>
    public string? ApplicationId { get; init; }
}

/// <summary>
/// One finding of Meta's Flow JSON validator, as returned on create, upload and get.
/// Positions are 1-based lines and columns in the uploaded document.
/// </summary>
public sealed record FlowValidationError
{
    /// <summary>Error code, e.g. <c>INVALID_PROPERTY_VALUE</c>.</summary>
    public string Error { get; init; } = "";

    /// <summary><c>FLOW_JSON_ERROR</c> or <c>JSON_SCHEMA_ERROR</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Human-readable message.</summary>
    public string Message { get; init; } = "";

    /// <summary>First line of the offending span.</summary>
    public int? LineStart { get; init; }

    /// <summary>Last line of the offending span.</summary>
    public int? LineEnd { get; init; }

    /// <summary>First column of the offending span.</summary>
    public int? ColumnStart { get; init; }

    /// <summary>Last column of the offending span.</summary>
    public int? ColumnEnd { get; init; }

    /// <summary>Locations involved, each with a JSON path.</summary>
    public IReadOnlyList<FlowValidationPointer> Pointers { get => _pointers; init => _pointers = value ?? []; }

    private readonly IReadOnlyList<FlowValidationPointer> _pointers = [];

    /// <summary>The first JSON path among <see cref="Pointers"/>, if any.</summary>
    [JsonIgnore]
    public string? Path => Pointers.FirstOrDefault(p => p.Path is not null)?.Path;

    /// <summary><c>line:column</c> of the start, or empty.</summary>
    [JsonIgnore]
    public string Location => LineStart is { } l ? ColumnStart is { } c ? $"{l}:{c}" : $"{l}" : "";

    /// <inheritdoc />
    public override string ToString() => $"{Location} {Error}: {Message}{(Path is null ? "" : $" ({Path})")}".Trim();
}

/// <summary>A location named by a validation error.</summary>
public sealed record FlowValidationPointer
{
    /// <summary>First line.</summary>
    public int? LineStart { get; init; }

    /// <summary>Last line.</summary>
    public int? LineEnd { get; init; }

    /// <summary>First column.</summary>
    public int? ColumnStart { get; init; }

    /// <summary>Last column.</summary>
    public int? ColumnEnd { get; init; }

    /// <summary>JSON path, e.g. <c>screens[0].layout.children[0]</c>.</summary>
    public string? Path { get; init; }
}

/// <summary>Answer of a Flow JSON upload.</summary>
/// <param name="Success">Meta's <c>success</c> flag (true even when validation errors are returned).</param>
/// <param name="ValidationErrors">Meta's validator findings; the flow can't be published until they're fixed.</param>
public sealed record FlowJsonUploadResult(bool Success, IReadOnlyList<FlowValidationError> ValidationErrors)
{
    /// <summary>True when Meta accepted the document without findings.</summary>
    [JsonIgnore]
    public bool IsValid => Success && ValidationErrors.Count == 0;
}

/// <summary>A flow as returned by <c>GET /{FLOW-ID}</c> or the flow list; fields not requested are null.</summary>
public sealed record FlowDetails
{
    /// <summary>Flow id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Flow name.</summary>
    public string? Name { get; init; }

    /// <summary>Lifecycle state.</summary>
    public FlowStatus? Status { get; init; }

    /// <summary>Categories.</summary>
    public IReadOnlyList<FlowCategory>? Categories { get; init; }

    /// <summary>Findings of Meta's validator on the current Flow JSON.</summary>
    public IReadOnlyList<FlowValidationError>? ValidationErrors { get; init; }

    /// <summary>Flow JSON version of the current document.</summary>
    public string? JsonVersion { get; init; }

    /// <summary>Data API version of the current document.</summary>
    public string? DataApiVersion { get; init; }

    /// <summary>Configured data endpoint.</summary>
    public string? EndpointUri { get; init; }

    /// <summary>Web preview link.</summary>
    public FlowPreview? Preview { get; init; }

    /// <summary>Owning WhatsApp Business Account.</summary>
    [JsonPropertyName("whatsapp_business_account")]
    public GraphObjectRef? WhatsAppBusinessAccount { get; init; }

    /// <summary>Connected Meta app.</summary>
    public GraphObjectRef? Application { get; init; }

    /// <summary>Whether the flow can be sent, and why not.</summary>
    public FlowHealthStatus? HealthStatus { get; init; }
}

/// <summary>A reference to another Graph object.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name, when Meta includes it.</param>
/// <param name="Link">Its link, when Meta includes it.</param>
public sealed record GraphObjectRef(string Id, string? Name = null, string? Link = null);

/// <summary>Web preview of a flow (valid 30 days).</summary>
/// <param name="PreviewUrl">Link to the preview.</param>
/// <param name="ExpiresAt">Expiry as Meta prints it, e.g. <c>2025-01-01T12:00:00+0000</c>.</param>
public sealed record FlowPreview(string PreviewUrl, string? ExpiresAt);

/// <summary><c>health_status</c> of a flow.</summary>
/// <param name="CanSendMessage">Overall verdict.</param>
/// <param name="Entities">Verdict per entity (flow, WABA, phone number, app) with its errors.</param>
public sealed record FlowHealthStatus(FlowSendability CanSendMessage, IReadOnlyList<FlowHealthEntity>? Entities);

/// <summary>One entity of a flow's health status.</summary>
/// <param name="EntityType">FLOW, WABA, PHONE_NUMBER, APP or BUSINESS.</param>
/// <param name="Id">The entity's id.</param>
/// <param name="CanSendMessage">Verdict for the entity.</param>
/// <param name="Errors">Why it can't send, with suggested fixes.</param>
public sealed record FlowHealthEntity(string EntityType, string Id, FlowSendability CanSendMessage, IReadOnlyList<FlowHealthError>? Errors);

/// <summary>One reason an entity can't send.</summary>
/// <param name="ErrorCode">Meta's code.</param>
/// <param name="ErrorDescription">What is wrong.</param>
/// <param name="PossibleSolution">How to fix it.</param>
public sealed record FlowHealthError(int ErrorCode, string? ErrorDescription, string? PossibleSolution);

/// <summary>An asset of a flow (<c>GET /{FLOW-ID}/assets</c>).</summary>
/// <param name="Name">Asset name, <c>flow.json</c>.</param>
/// <param name="AssetType">Asset type, <c>FLOW_JSON</c>.</param>
/// <param name="DownloadUrl">Temporary download link.</param>
public sealed record FlowAsset(string Name, string AssetType, string? DownloadUrl);

/// <summary>One page of a Graph collection.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Data">Items of this page.</param>
/// <param name="Paging">Cursors, null on the last page of some collections.</param>
public sealed record GraphPage<T>(IReadOnlyList<T> Data, GraphPaging? Paging)
{
    /// <summary>Items of this page (empty, never null, when Meta omits <c>data</c>).</summary>
    public IReadOnlyList<T> Data { get; init; } = Data ?? [];

    /// <summary>Cursor of the next page, or null when this is the last page.</summary>
    [JsonIgnore]
    public string? NextCursor => Paging?.Next is not null ? Paging.Cursors?.After : null;
}

/// <summary>Paging block of a Graph collection.</summary>
/// <param name="Cursors">Before/after cursors.</param>
/// <param name="Next">Link to the next page (present only when there is one).</param>
/// <param name="Previous">Link to the previous page.</param>
public sealed record GraphPaging(GraphCursors? Cursors, string? Next, string? Previous);

/// <summary>Cursors of a page.</summary>
/// <param name="Before">Cursor before the first item.</param>
/// <param name="After">Cursor after the last item.</param>
public sealed record GraphCursors(string? Before, string? After);

/// <summary>Answer of <c>POST /{DEST-WABA}/migrate_flows</c>.</summary>
/// <param name="MigratedFlows">Flows copied into the destination WABA.</param>
/// <param name="FailedFlows">Flows that weren't, with the reason.</param>
public sealed record FlowMigrationResult(IReadOnlyList<MigratedFlow> MigratedFlows, IReadOnlyList<FailedFlowMigration> FailedFlows)
{
    /// <summary>Flows copied (empty, never null).</summary>
    public IReadOnlyList<MigratedFlow> MigratedFlows { get; init; } = MigratedFlows ?? [];

    /// <summary>Flows not copied (empty, never null).</summary>
    public IReadOnlyList<FailedFlowMigration> FailedFlows { get; init; } = FailedFlows ?? [];
}

/// <summary>A migrated flow.</summary>
/// <param name="SourceName">Name in the source WABA.</param>
/// <param name="SourceId">Id in the source WABA.</param>
/// <param name="MigratedId">Id in the destination WABA.</param>
public sealed record MigratedFlow(string SourceName, string? SourceId, string MigratedId);

/// <summary>A flow that couldn't be migrated.</summary>
/// <param name="SourceName">Name in the source WABA.</param>
/// <param name="ErrorCode">Meta's code.</param>
/// <param name="ErrorMessage">Meta's message.</param>
public sealed record FailedFlowMigration(string SourceName, string? ErrorCode, string? ErrorMessage);

/// <summary>The business public key registered for a phone number.</summary>
/// <param name="BusinessPublicKey">PEM of the key.</param>
/// <param name="SignatureStatus"><c>VALID</c> or <c>MISMATCH</c>.</param>
public sealed record BusinessPublicKeyInfo(string BusinessPublicKey, string? SignatureStatus)
{
    /// <summary>True when Meta reports the key's signature as valid.</summary>
    [JsonIgnore]
    public bool IsSignatureValid => string.Equals(SignatureStatus, "VALID", StringComparison.Ordinal);
}

/// <summary>Answer of <c>POST /{PHONE-NUMBER-ID}/messages</c>.</summary>
/// <param name="MessagingProduct">Always <c>whatsapp</c>.</param>
/// <param name="Contacts">Recipients as Meta resolved them.</param>
/// <param name="Messages">Ids of the sent messages (<c>wamid.…</c>).</param>
public sealed record SentMessage(string? MessagingProduct, IReadOnlyList<SentMessageContact> Contacts, IReadOnlyList<SentMessageId> Messages)
{
    /// <summary>Recipients (empty, never null).</summary>
    public IReadOnlyList<SentMessageContact> Contacts { get; init; } = Contacts ?? [];

    /// <summary>Sent message ids (empty, never null).</summary>
    public IReadOnlyList<SentMessageId> Messages { get; init; } = Messages ?? [];

    /// <summary>The id of the (single) sent message.</summary>
    [JsonIgnore]
    public string? MessageId => Messages.FirstOrDefault()?.Id;
}

/// <summary>A recipient of a sent message.</summary>
/// <param name="Input">The number as given.</param>
/// <param name="WaId">The WhatsApp id.</param>
public sealed record SentMessageContact(string Input, string? WaId);

/// <summary>A sent message id.</summary>
/// <param name="Id">Message id.</param>
/// <param name="MessageStatus">Status Meta reports, when it does.</param>
public sealed record SentMessageId(string Id, string? MessageStatus);

/// <summary>The <c>{"success":true}</c> answer of most mutating calls.</summary>
/// <param name="Success">Meta's flag.</param>
public sealed record GraphSuccess(bool Success);
