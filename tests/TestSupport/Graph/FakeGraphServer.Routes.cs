using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backend.TestSupport.Graph;

public sealed partial class FakeGraphServer
{
    private static readonly HashSet<string> Categories =
        ["SIGN_UP", "SIGN_IN", "APPOINTMENT_BOOKING", "LEAD_GENERATION", "CONTACT_US", "CUSTOMER_SUPPORT", "SURVEY", "OTHER"];

    private static readonly HashSet<string> FlowFieldNames =
        ["id", "name", "categories", "preview", "status", "validation_errors", "json_version", "data_api_version",
         "endpoint_uri", "whatsapp_business_account", "application", "health_status"];

    // Called under _gate.
    private Answer Route(RecordedGraphRequest r)
    {
        var segments = r.Resource.Split('/');
        return (r.Method, segments) switch
        {
            ("POST", [var waba, "flows"]) => Waba(r, waba) ?? CreateFlow(r, waba),
            ("GET", [var waba, "flows"]) => Waba(r, waba) ?? ListFlows(r, waba),
            ("POST", [var waba, "migrate_flows"]) => Waba(r, waba) ?? Migrate(r, waba),
            ("POST", [var phone, "whatsapp_business_encryption"]) => Phone(r, phone) ?? SetPublicKey(r, phone),
            ("GET", [var phone, "whatsapp_business_encryption"]) => Phone(r, phone) ?? GetPublicKey(r, phone),
            ("POST", [var phone, "messages"]) => Phone(r, phone) ?? SendMessage(r),
            ("GET", [var flow]) => WithFlow(r, flow, GetFlow),
            ("POST", [var flow]) => WithFlow(r, flow, UpdateFlow),
            ("DELETE", [var flow]) => WithFlow(r, flow, DeleteFlow),
            ("POST", [var flow, "assets"]) => WithFlow(r, flow, UploadAsset),
            ("GET", [var flow, "assets"]) => WithFlow(r, flow, ListAssets),
            ("POST", [var flow, "publish"]) => WithFlow(r, flow, Publish),
            ("POST", [var flow, "deprecate"]) => WithFlow(r, flow, Deprecate),
            _ => Reject(r, $"no Graph call of Meta's Flows API is {r.Method} /{{version}}/{r.Resource}"),
        };
    }

    private Answer? Waba(RecordedGraphRequest r, string id) =>
        id == WabaId || id == OtherWabaId ? null : UnknownObject(r, id);

    private Answer? Phone(RecordedGraphRequest r, string id) => id == PhoneNumberId ? null : UnknownObject(r, id);

    private static Answer UnknownObject(RecordedGraphRequest r, string id) => Answer.GraphError(HttpStatusCode.BadRequest, 100,
        $"Unsupported {r.Method.ToLowerInvariant()} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", subcode: 33);

    private Answer WithFlow(RecordedGraphRequest r, string id, Func<RecordedGraphRequest, FakeFlow, Answer> handler)
    {
        if (!id.All(char.IsAsciiDigit) || id.Length == 0)
        {
            return Reject(r, $"'{id}' is not a Graph object id");
        }

        return _flows.TryGetValue(id, out var flow) ? handler(r, flow) : UnknownObject(r, id);
    }

    private Answer? NoBody(RecordedGraphRequest r) =>
        r.Body.Length == 0 ? null : Reject(r, $"{r.Method} /{r.Resource} takes no body (got {r.Body.Length} bytes of {r.ContentType})");

    private Answer? OnlyQuery(RecordedGraphRequest r, params string[] allowed) =>
        r.Query.Keys.FirstOrDefault(k => !allowed.Contains(k)) is { } extra ? Reject(r, $"unexpected query parameter '{extra}'") : null;

    private (JsonObject? Body, Answer? Rejection) JsonBody(RecordedGraphRequest r, string[] required, string[] optional)
    {
        if (r.MediaType != "application/json")
        {
            return (null, Reject(r, $"content type must be application/json (got {r.ContentType ?? "none"})"));
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(r.BodyText) as JsonObject;
        }
        catch (JsonException e)
        {
            return (null, Reject(r, "body is not JSON: " + e.Message));
        }

        if (body is null)
        {
            return (null, Reject(r, "body must be a JSON object"));
        }

        return (body, Shape(r, body, "body", required, optional));
    }

    private Answer? Shape(RecordedGraphRequest r, JsonObject obj, string where, string[] required, string[] optional)
    {
        foreach (var key in obj.Select(p => p.Key))
        {
            if (!required.Contains(key) && !optional.Contains(key))
            {
                return Reject(r, $"{where} has an unknown property '{key}'");
            }

            if (obj[key] is null)
            {
                return Reject(r, $"{where}.{key} is null (omit it instead)");
            }
        }

        return required.FirstOrDefault(k => !obj.ContainsKey(k)) is { } missing ? Reject(r, $"{where} is missing '{missing}'") : null;
    }

    private static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static string? Str(JsonNode? n) => IsString(n) ? n!.GetValue<string>() : null;

    private Answer? CheckCategories(RecordedGraphRequest r, JsonNode? node, out List<string> categories)
    {
        categories = [];
        if (node is not JsonArray array || array.Count == 0)
        {
            return Reject(r, "categories must be a non-empty array");
        }

        foreach (var item in array)
        {
            if (Str(item) is not { } c || !Categories.Contains(c))
            {
                return Reject(r, $"categories has '{item?.ToJsonString()}', not one of {string.Join(", ", Categories)}");
            }

            categories.Add(c);
        }

        return null;
    }

    private static bool IsAbsoluteHttpsUri(string? s) => Uri.TryCreate(s, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps;

    private Answer CreateFlow(RecordedGraphRequest r, string waba)
    {
        if (OnlyQuery(r) is { } q)
        {
            return q;
        }

        var (body, rejection) = JsonBody(r, ["name", "categories"], ["flow_json", "publish", "clone_flow_id", "endpoint_uri"]);
        if (rejection is not null)
        {
            return rejection;
        }

        if (Str(body!["name"]) is not { Length: > 0 } name)
        {
            return Reject(r, "name must be a non-empty string");
        }

        if (CheckCategories(r, body["categories"], out var categories) is { } bad)
        {
            return bad;
        }

        if (body["flow_json"] is { } fj && !IsString(fj))
        {
            return Reject(r, "flow_json must be a string holding the document");
        }

        if (body["publish"] is { } p && p.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Reject(r, "publish must be a boolean");
        }

        if (body["publish"]?.GetValue<bool>() == true && body["flow_json"] is null)
        {
            return Reject(r, "publish needs flow_json");
        }

        if (body["clone_flow_id"] is { } clone && (Str(clone) is not { } cloneId || !cloneId.All(char.IsAsciiDigit)))
        {
            return Reject(r, "clone_flow_id must be a string of digits");
        }

        if (body["endpoint_uri"] is { } e && !IsString(e))
        {
            return Reject(r, "endpoint_uri must be a string");
        }

        if (_flows.Values.Any(f => f.WabaId == waba && f.CurrentName == name && f.Status != FlowState.Deprecated))
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", subcode: 4016019,
                userTitle: "Flow name is not unique", userMessage: "Please use a unique Flow name. A Flow with this name already exists in this WhatsApp Business Account.");
        }

        if (Str(body["endpoint_uri"]) is { } endpoint && !IsAbsoluteHttpsUri(endpoint))
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", userTitle: "Invalid endpoint URI", userMessage: $"'{endpoint}' is not a valid https URI.");
        }

        string? json = Str(body["flow_json"]);
        if (Str(body["clone_flow_id"]) is { } source)
        {
            if (!_flows.TryGetValue(source, out var original))
            {
                return UnknownObject(r, source);
            }

            json ??= original.FlowJson;
        }

        var flow = new FakeFlow(NewId(), waba, name) { Categories = categories, EndpointUri = Str(body["endpoint_uri"]) };
        if (json is not null)
        {
            flow.FlowJson = json;
            flow.ValidationErrors = ValidateFlowJson(json);
        }

        if (body["publish"]?.GetValue<bool>() == true && flow.ValidationErrors.Count == 0)
        {
            flow.Status = FlowState.Published;
        }

        _flows[flow.Id] = flow;
        var answer = new JsonObject { ["id"] = flow.Id, ["success"] = true };
        if (flow.ValidationErrors.Count > 0)
        {
            answer["validation_errors"] = flow.ValidationErrors.DeepClone();
        }

        return Answer.Ok(answer);
    }

    private Answer UpdateFlow(RecordedGraphRequest r, FakeFlow flow)
    {
        if (OnlyQuery(r) is { } q)
        {
            return q;
        }

        var (body, rejection) = JsonBody(r, [], ["name", "categories", "endpoint_uri", "application_id"]);
        if (rejection is not null)
        {
            return rejection;
        }

        if (body!.Count == 0)
        {
            return Reject(r, "metadata update has no field to update");
        }

        var categories = flow.Categories;
        if (body["categories"] is { } c && CheckCategories(r, c, out categories) is { } bad)
        {
            return bad;
        }

        foreach (var key in new[] { "name", "endpoint_uri", "application_id" })
        {
            if (body[key] is { } v && Str(v) is not { Length: > 0 })
            {
                return Reject(r, $"{key} must be a non-empty string");
            }
        }

        if (Str(body["endpoint_uri"]) is { } endpoint && !IsAbsoluteHttpsUri(endpoint))
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", userTitle: "Invalid endpoint URI", userMessage: $"'{endpoint}' is not a valid https URI.");
        }

        if (flow.Status is FlowState.Deprecated)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 139001, "Flow can't be updated", userTitle: "Flow can't be updated", userMessage: "A deprecated flow can't be modified.");
        }

        flow.CurrentName = Str(body["name"]) ?? flow.CurrentName;
        flow.Categories = categories;
        flow.EndpointUri = Str(body["endpoint_uri"]) ?? flow.EndpointUri;
        flow.ApplicationId = Str(body["application_id"]) ?? flow.ApplicationId;
        // The lifecycle of https://developers.facebook.com/docs/whatsapp/flows/reference/flowsapi: editing a published flow takes it back to DRAFT.
        if (flow.Status == FlowState.Published)
        {
            flow.Status = FlowState.Draft;
        }

        return Answer.Success();
    }

    private Answer UploadAsset(RecordedGraphRequest r, FakeFlow flow)
    {
        if (OnlyQuery(r) is { } q)
        {
            return q;
        }

        if (r.MediaType != "multipart/form-data")
        {
            return Reject(r, $"content type must be multipart/form-data (got {r.ContentType ?? "none"})");
        }

        var parts = r.Parts;
        if (parts.Count == 0)
        {
            return Reject(r, "multipart body could not be parsed");
        }

        var names = parts.Select(p => p.Name).ToList();
        if (names.Count != 3 || names.Distinct().Count() != 3 || !names.ToHashSet().SetEquals(["file", "name", "asset_type"]))
        {
            return Reject(r, $"multipart parts must be exactly file, name, asset_type (got {string.Join(", ", names)})");
        }

        var file = parts.Single(p => p.Name == "file");
        if (file.FileName is null)
        {
            return Reject(r, "part 'file' must be a file part (filename=…)");
        }

        if (file.ContentType?.Split(';')[0].Trim() != "application/json")
        {
            return Reject(r, $"part 'file' must have type application/json (got {file.ContentType ?? "none"})");
        }

        if (file.Body.Length > 10 * 1024 * 1024)
        {
            return Reject(r, "flow.json is larger than 10 MB");
        }

        if (parts.Single(p => p.Name == "name").Text != "flow.json")
        {
            return Reject(r, "part 'name' must be exactly flow.json");
        }

        if (parts.Single(p => p.Name == "asset_type").Text != "FLOW_JSON")
        {
            return Reject(r, "part 'asset_type' must be FLOW_JSON");
        }

        if (flow.Status is not FlowState.Draft and not FlowState.Published)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 139001, "Flow can't be updated", userTitle: "Flow can't be updated", userMessage: $"A {flow.StatusName} flow can't be modified.");
        }

        flow.FlowJson = file.Text;
        flow.ValidationErrors = ValidateFlowJson(flow.FlowJson);
        if (flow.Status == FlowState.Published)
        {
            flow.Status = FlowState.Draft;
        }

        return Answer.Ok(new JsonObject { ["success"] = true, ["validation_errors"] = flow.ValidationErrors.DeepClone() });
    }

    /// <summary>A small stand-in for Meta's validator: syntax, version and screens, in Meta's error shape.</summary>
    private static JsonArray ValidateFlowJson(string json)
    {
        JsonObject? doc;
        try
        {
            doc = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException e)
        {
            return [Finding("INVALID_FLOW_JSON", "Invalid Flow JSON: " + e.Message, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, null)];
        }

        if (doc is null)
        {
            return [Finding("INVALID_FLOW_JSON", "Flow JSON must be an object.", 1, 1, null)];
        }

        var findings = new JsonArray();
        if (doc["version"] is null)
        {
            findings.Add(Finding("MISSING_FLOW_JSON_VERSION", "Flow JSON version is missing.", 1, 1, ""));
        }

        if (doc["screens"] is not JsonArray { Count: > 0 })
        {
            findings.Add(Finding("MIN_ITEMS_REQUIRED", "Property 'screens' should have at least 1 item.", 1, 1, "screens"));
        }

        return findings;
    }

    private static JsonObject Finding(string code, string message, int line, int column, string? path)
    {
        var finding = new JsonObject
        {
            ["error"] = code,
            ["error_type"] = code.StartsWith("INVALID_FLOW_JSON", StringComparison.Ordinal) ? "JSON_SCHEMA_ERROR" : "FLOW_JSON_ERROR",
            ["message"] = message,
            ["line_start"] = line,
            ["line_end"] = line,
            ["column_start"] = column,
            ["column_end"] = column + 1,
        };
        if (path is not null)
        {
            finding["pointers"] = new JsonArray(new JsonObject { ["line_start"] = line, ["line_end"] = line, ["column_start"] = column, ["column_end"] = column + 1, ["path"] = path });
        }

        return finding;
    }

    private Answer ListAssets(RecordedGraphRequest r, FakeFlow flow)
    {
        if ((NoBody(r) ?? OnlyQuery(r, "after", "limit", "fields")) is { } bad)
        {
            return bad;
        }

        var data = new JsonArray();
        if (flow.FlowJson is not null)
        {
            data.Add(new JsonObject { ["name"] = "flow.json", ["asset_type"] = "FLOW_JSON", ["download_url"] = $"{BaseUrl}download/{flow.Id}/flow.json" });
        }

        return Answer.Ok(new JsonObject { ["data"] = data, ["paging"] = new JsonObject { ["cursors"] = new JsonObject { ["before"] = "QVFI", ["after"] = "QVFI" } } });
    }

    private Answer GetFlow(RecordedGraphRequest r, FakeFlow flow)
    {
        if ((NoBody(r) ?? OnlyQuery(r, "fields")) is { } bad)
        {
            return bad;
        }

        var fields = r.Query.TryGetValue("fields", out var f) ? f.Split(',') : ["id", "name", "status", "categories", "validation_errors"];
        var answer = new JsonObject { ["id"] = flow.Id };
        foreach (var field in fields)
        {
            if (field.StartsWith("preview.invalidate(", StringComparison.Ordinal) && field is "preview.invalidate(true)" or "preview.invalidate(false)")
            {
                answer["preview"] = Preview(flow);
            }
            else if (field.StartsWith("health_status.phone_number(", StringComparison.Ordinal) && field.EndsWith(')') && field["health_status.phone_number(".Length..^1].All(char.IsAsciiDigit))
            {
                answer["health_status"] = Health(flow);
            }
            else if (!FlowFieldNames.Contains(field))
            {
                return Reject(r, $"field '{field}' is not a documented flow field");
            }
            else
            {
                switch (field)
                {
                    case "name": answer["name"] = flow.CurrentName; break;
                    case "status": answer["status"] = flow.StatusName; break;
                    case "categories": answer["categories"] = new JsonArray([.. flow.Categories.Select(c => (JsonNode)c)]); break;
                    case "validation_errors": answer["validation_errors"] = flow.ValidationErrors.DeepClone(); break;
                    case "json_version" when flow.FlowJson is not null: answer["json_version"] = VersionOf(flow, "version"); break;
                    case "data_api_version" when flow.FlowJson is not null: answer["data_api_version"] = VersionOf(flow, "data_api_version"); break;
                    case "endpoint_uri" when flow.EndpointUri is not null: answer["endpoint_uri"] = flow.EndpointUri; break;
                    case "preview": answer["preview"] = Preview(flow); break;
                    case "whatsapp_business_account": answer["whatsapp_business_account"] = new JsonObject { ["id"] = flow.WabaId, ["name"] = "Fake WABA" }; break;
                    case "application" when flow.ApplicationId is not null: answer["application"] = new JsonObject { ["id"] = flow.ApplicationId, ["name"] = "Fake app", ["link"] = "https://example.test/app" }; break;
                    case "health_status": answer["health_status"] = Health(flow); break;
                }
            }
        }

        return Answer.Ok(answer);
    }

    private static string? VersionOf(FakeFlow flow, string key)
    {
        try
        {
            return Str((JsonNode.Parse(flow.FlowJson!) as JsonObject)?[key]);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private JsonObject Preview(FakeFlow flow) => new()
    {
        ["preview_url"] = $"https://business.facebook.com/wa/manage/flows/{flow.Id}/preview/?token=fake",
        ["expires_at"] = "2030-01-01T00:00:00+0000",
    };

    private JsonObject Health(FakeFlow flow)
    {
        var verdict = flow.Status switch { FlowState.Blocked or FlowState.Deprecated => "BLOCKED", FlowState.Throttled => "LIMITED", _ => "AVAILABLE" };
        var entity = new JsonObject { ["entity_type"] = "FLOW", ["id"] = flow.Id, ["can_send_message"] = verdict };
        if (verdict != "AVAILABLE")
        {
            entity["errors"] = new JsonArray(new JsonObject { ["error_code"] = 139000 + (verdict == "BLOCKED" ? 0 : 1), ["error_description"] = $"The flow is {flow.StatusName}.", ["possible_solution"] = "Fix the endpoint." });
        }

        return new JsonObject
        {
            ["can_send_message"] = verdict,
            ["entities"] = new JsonArray(entity, new JsonObject { ["entity_type"] = "WABA", ["id"] = flow.WabaId, ["can_send_message"] = "AVAILABLE" }),
        };
    }

    private Answer ListFlows(RecordedGraphRequest r, string waba)
    {
        if ((NoBody(r) ?? OnlyQuery(r, "fields", "limit", "after")) is { } bad)
        {
            return bad;
        }

        if (r.Query.TryGetValue("fields", out var fields) && fields.Split(',').FirstOrDefault(f => !FlowFieldNames.Contains(f)) is { } unknown)
        {
            return Reject(r, $"field '{unknown}' is not a documented flow field");
        }

        var limit = PageSize;
        if (r.Query.TryGetValue("limit", out var l) && (!int.TryParse(l, out limit) || limit <= 0))
        {
            return Reject(r, $"limit must be a positive integer (got '{l}')");
        }

        var start = 0;
        if (r.Query.TryGetValue("after", out var after) && !TryCursor(after, out start))
        {
            return Reject(r, $"after '{after}' is not a cursor this server issued");
        }

        var all = _flows.Values.Where(f => f.WabaId == waba).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        var page = all.Skip(start).Take(limit).ToList();
        var data = new JsonArray();
        foreach (var flow in page)
        {
            data.Add(new JsonObject
            {
                ["id"] = flow.Id,
                ["name"] = flow.CurrentName,
                ["status"] = flow.StatusName,
                ["categories"] = new JsonArray([.. flow.Categories.Select(c => (JsonNode)c)]),
                ["validation_errors"] = flow.ValidationErrors.DeepClone(),
            });
        }

        var paging = new JsonObject { ["cursors"] = new JsonObject { ["before"] = Cursor(start), ["after"] = Cursor(start + page.Count) } };
        if (start + page.Count < all.Count)
        {
            paging["next"] = $"https://graph.facebook.com/{ApiVersion}/{waba}/flows?limit={limit}&after={Cursor(start + page.Count)}";
        }

        return Answer.Ok(new JsonObject { ["data"] = data, ["paging"] = paging });
    }

    private static string Cursor(int index) => Convert.ToBase64String(BitConverter.GetBytes(index + 7919));

    private static bool TryCursor(string cursor, out int index)
    {
        index = 0;
        try
        {
            var bytes = Convert.FromBase64String(cursor);
            if (bytes.Length != 4)
            {
                return false;
            }

            index = BitConverter.ToInt32(bytes) - 7919;
            return index >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private Answer Publish(RecordedGraphRequest r, FakeFlow flow)
    {
        if ((NoBody(r) ?? OnlyQuery(r)) is { } bad)
        {
            return bad;
        }

        string? reason = flow.Status != FlowState.Draft ? $"Only a DRAFT flow can be published; this one is {flow.StatusName}."
            : flow.FlowJson is null ? "The flow has no Flow JSON."
            : flow.ValidationErrors.Count > 0 ? "The Flow JSON has validation errors."
            : null;
        if (reason is not null)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 139002, "Publishing Flow failed", userTitle: "Flow can't be published", userMessage: reason);
        }

        flow.Status = FlowState.Published;
        return Answer.Success();
    }

    private Answer Deprecate(RecordedGraphRequest r, FakeFlow flow)
    {
        if ((NoBody(r) ?? OnlyQuery(r)) is { } bad)
        {
            return bad;
        }

        if (flow.Status is FlowState.Draft or FlowState.Deprecated)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 139003, "Flow can't be deprecated", userTitle: "Flow can't be deprecated", userMessage: $"A {flow.StatusName} flow can't be deprecated.");
        }

        flow.Status = FlowState.Deprecated;
        return Answer.Success();
    }

    private Answer DeleteFlow(RecordedGraphRequest r, FakeFlow flow)
    {
        if ((NoBody(r) ?? OnlyQuery(r)) is { } bad)
        {
            return bad;
        }

        if (flow.Status != FlowState.Draft)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 139004, "Flow can't be deleted", userTitle: "Flow can't be deleted", userMessage: "Only a DRAFT flow can be deleted.");
        }

        _flows.Remove(flow.Id);
        return Answer.Success();
    }

    private Answer Migrate(RecordedGraphRequest r, string destination)
    {
        if ((NoBody(r) ?? OnlyQuery(r, "source_waba_id", "source_flow_names")) is { } bad)
        {
            return bad;
        }

        if (!r.Query.TryGetValue("source_waba_id", out var source) || !source.All(char.IsAsciiDigit))
        {
            return Reject(r, "source_waba_id is required (digits)");
        }

        List<string>? names;
        try
        {
            names = r.Query.TryGetValue("source_flow_names", out var n) ? JsonSerializer.Deserialize<List<string>>(n) : null;
        }
        catch (JsonException)
        {
            names = null;
        }

        if (names is null || names.Count is 0 or > 100)
        {
            return Reject(r, "source_flow_names must be a JSON array of 1 to 100 names");
        }

        var migrated = new JsonArray();
        var failed = new JsonArray();
        foreach (var name in names)
        {
            var original = _flows.Values.FirstOrDefault(f => f.WabaId == source && f.CurrentName == name);
            if (original is null)
            {
                failed.Add(new JsonObject { ["source_name"] = name, ["error_code"] = "4233041", ["error_message"] = "Flow with this name does not exist in the source WABA." });
                continue;
            }

            var copy = new FakeFlow(NewId(), destination, name) { Categories = [.. original.Categories], FlowJson = original.FlowJson, ValidationErrors = (JsonArray)original.ValidationErrors.DeepClone() };
            _flows[copy.Id] = copy;
            migrated.Add(new JsonObject { ["source_name"] = name, ["source_id"] = original.Id, ["migrated_id"] = copy.Id });
        }

        return Answer.Ok(new JsonObject { ["migrated_flows"] = migrated, ["failed_flows"] = failed });
    }

    private Answer SetPublicKey(RecordedGraphRequest r, string phone)
    {
        if (OnlyQuery(r) is { } q)
        {
            return q;
        }

        if (r.MediaType != "application/x-www-form-urlencoded")
        {
            return Reject(r, $"content type must be application/x-www-form-urlencoded (got {r.ContentType ?? "none"})");
        }

        if (r.Form.Count != 1 || !r.Form.TryGetValue("business_public_key", out var pem))
        {
            return Reject(r, $"form must hold exactly business_public_key (got {string.Join(", ", r.Form.Keys)})");
        }

        if (!pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal) && !pem.Contains("-----BEGIN RSA PUBLIC KEY-----", StringComparison.Ordinal))
        {
            return Reject(r, "business_public_key must be the PEM of a public key");
        }

        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", userMessage: "business_public_key is not a valid RSA public key.");
        }

        if (rsa.KeySize != 2048)
        {
            return Answer.GraphError(HttpStatusCode.BadRequest, 100, "Invalid parameter", userMessage: "business_public_key must be a 2048-bit RSA key.");
        }

        _publicKeys[phone] = pem;
        return Answer.Success();
    }

    private Answer GetPublicKey(RecordedGraphRequest r, string phone)
    {
        if ((NoBody(r) ?? OnlyQuery(r, "fields")) is { } bad)
        {
            return bad;
        }

        if (!_publicKeys.TryGetValue(phone, out var pem))
        {
            return Answer.Ok(WrapPublicKeyInData ? new JsonObject { ["data"] = new JsonArray() } : new JsonObject());
        }

        var key = new JsonObject { ["business_public_key"] = pem, ["business_public_key_signature_status"] = "VALID" };
        return Answer.Ok(WrapPublicKeyInData ? new JsonObject { ["data"] = new JsonArray(key) } : key);
    }
}
