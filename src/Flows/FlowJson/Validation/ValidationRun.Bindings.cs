using System.Text.Json;

namespace Backend.Flows.FlowJson.Validation;

internal sealed partial class ValidationRun
{
    private static readonly string[] ActionNames = ["navigate", "data_exchange", "complete", "update_data", "open_url"];

    /// <summary>
    /// Checks a string that may be a binding. Returns true when it is dynamic (a single
    /// <c>${…}</c> or a backtick expression), false when it is static text.
    /// </summary>
    private bool CheckBindingString(ScreenInfo screen, string text, string pointer, bool inPayload, string? expectedType = null)
    {
        var isExpression = text.Length >= 2 && text[0] == '`' && text[^1] == '`';
        if (!isExpression && !text.Contains("${", StringComparison.Ordinal))
        {
            return false;
        }
        if (isExpression)
        {
            if (!Applies(FlowVersionRules.Expressions))
            {
                Error(FlowErrorCodes.InvalidPropertyValue, $"Expressions in backticks require Flow JSON 6.0 or later (this flow is {_version}).", pointer);
            }
            foreach (var reference in References(text))
            {
                CheckReference(screen, reference, pointer, inPayload, null);
            }
            return true;
        }
        if (text.StartsWith("${", StringComparison.Ordinal) && text.IndexOf('}', StringComparison.Ordinal) == text.Length - 1)
        {
            CheckReference(screen, text[2..^1], pointer, inPayload, expectedType);
            return true;
        }
        Error(FlowErrorCodes.InvalidPropertyValue,
            "A value cannot mix static text and a binding; use a single ${…} or, from 6.0, an expression in backticks.", pointer);
        return true;
    }

    private static IEnumerable<string> References(string text)
    {
        var start = text.IndexOf("${", StringComparison.Ordinal);
        while (start >= 0)
        {
            var end = text.IndexOf('}', start);
            if (end < 0)
            {
                yield break;
            }
            yield return text[(start + 2)..end];
            start = text.IndexOf("${", end, StringComparison.Ordinal);
        }
    }

    private void CheckReference(ScreenInfo screen, string reference, string pointer, bool inPayload, string? expectedType)
    {
        var parts = reference.Split('.');
        var missingCode = inPayload ? FlowErrorCodes.InvalidOnClickActionPayload : FlowErrorCodes.InvalidScreenDynamicData;
        switch (parts)
        {
            case ["form", var name, ..]:
                if (screen.FormNames.Contains(name) && !screen.Fields.ContainsKey(name))
                {
                    Error(FlowErrorCodes.InvalidOnClickActionPayload, $"'${{form.{name}}}' binds to the Form itself; bind to one of its fields.", pointer);
                }
                else if (!screen.Fields.ContainsKey(name))
                {
                    Error(missingCode, $"'${{form.{name}}}': screen '{screen.Id}' has no input named '{name}'.", pointer);
                }
                break;
            case ["data", var key, ..]:
                if (!screen.Data.TryGetValue(key, out var schema))
                {
                    Error(missingCode, $"'${{data.{key}}}' is not declared in the data model of screen '{screen.Id}'.", pointer);
                }
                else if (expectedType is not null && parts.Length == 2 && SchemaType(schema) is { } actual
                    && !(actual == expectedType || (expectedType == "number" && actual == "integer")))
                {
                    Error(FlowErrorCodes.InvalidScreenDynamicData, $"'${{data.{key}}}' is a {actual}; this property needs a {expectedType}.", pointer);
                }
                break;
            case ["screen", var screenId, var kind and ("form" or "data"), var name, ..]:
                if (!Applies(FlowVersionRules.GlobalReferences))
                {
                    Error(FlowErrorCodes.InvalidPropertyValue, $"Global references (${{screen.…}}) require Flow JSON 4.0 or later (this flow is {_version}).", pointer);
                }
                else if (!_screensById.TryGetValue(screenId, out var target))
                {
                    Error(FlowErrorCodes.InvalidScreenDynamicData, $"'${{{reference}}}' refers to screen '{screenId}', which does not exist.", pointer);
                }
                else if (ReferenceEquals(target, screen))
                {
                    Error(FlowErrorCodes.InvalidScreenDynamicData, $"'${{{reference}}}' refers to the current screen; use a local reference (${{{kind}.{name}}}).", pointer);
                }
                else if (kind == "form" ? !target.Fields.ContainsKey(name) : !target.Data.ContainsKey(name))
                {
                    Error(FlowErrorCodes.InvalidScreenDynamicData, $"'${{{reference}}}': screen '{screenId}' has no {(kind == "form" ? "input" : "data field")} '{name}'.", pointer);
                }
                break;
            default:
                Error(FlowErrorCodes.InvalidPropertyValue, $"'${{{reference}}}' is not a binding (expected form.x, data.x or screen.S.form|data.x).", pointer);
                break;
        }
    }

    private static string? SchemaType(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;

    /// <summary>Checks every string inside a value (array or object) as a possible binding.</summary>
    private void ScanBindings(ScreenInfo screen, JsonElement value, string pointer, bool inPayload)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                CheckBindingString(screen, value.GetString()!, pointer, inPayload);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    ScanBindings(screen, item, JsonPointer.Append(pointer, index++), inPayload);
                }
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!inPayload && ComponentCatalog.ActionProperties.Contains(property.Name))
                    {
                        continue; // checked as actions
                    }
                    ScanBindings(screen, property.Value, JsonPointer.Append(pointer, property.Name), inPayload);
                }
                break;
            default:
                break;
        }
    }

    private void CheckCondition(ScreenInfo screen, JsonElement condition, string pointer)
    {
        if (condition.ValueKind != JsonValueKind.String)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "An If condition must be a string.", pointer);
            return;
        }
        var text = condition.GetString()!.Trim();
        if (text.Length == 0)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "The If condition cannot be empty.", pointer);
            return;
        }
        var depth = 0;
        foreach (var c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0)
            {
                break;
            }
        }
        if (depth != 0)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "The If condition has unbalanced parentheses.", pointer);
        }
        var references = References(text).ToList();
        if (references.Count == 0)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "The If condition has no binding: a literal alone, or literals on both sides of an operator.", pointer);
        }
        var trimmed = text.TrimEnd(')', ' ');
        if (trimmed.Length > 0 && "=!<>&|+-/%".Contains(trimmed[^1], StringComparison.Ordinal))
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "The If condition is missing an operand.", pointer);
        }
        foreach (var reference in references)
        {
            CheckReference(screen, reference, pointer, inPayload: false, null);
        }
    }

    private void CheckAction(ScreenInfo screen, JsonElement action, string pointer, string ownerType, string property)
    {
        if (action.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "An action must be an object.", pointer);
            return;
        }
        if (!action.TryGetProperty("name", out var nameElement))
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "An action requires 'name'.", pointer);
            return;
        }
        var name = nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString()! : "";
        var namePointer = JsonPointer.Append(pointer, "name");
        if (!ActionNames.Contains(name))
        {
            Error(FlowErrorCodes.InvalidEnumValue, $"'{nameElement}' is not an action (navigate, data_exchange, complete, update_data, open_url).", namePointer);
            return;
        }
        if (ComponentCatalog.AllowedActions.TryGetValue((ownerType, property), out var allowed) && !allowed.Contains(name))
        {
            Error(FlowErrorCodes.InvalidEnumValue, $"'{name}' is not allowed in '{property}' of {ownerType} (allowed: {string.Join(", ", allowed)}).", namePointer);
        }
        if (name is "update_data" or "open_url" && !Applies(FlowVersionRules.UpdateDataAndOpenUrl))
        {
            Error(FlowErrorCodes.InvalidEnumValue, $"'{name}' requires Flow JSON 6.0 or later (this flow is {_version}).", namePointer);
        }
        string[] keys = name switch
        {
            "navigate" => ["name", "next", "payload"],
            "open_url" => ["name", "url"],
            _ => ["name", "payload"],
        };
        foreach (var key in action.EnumerateObject().Select(p => p.Name).Where(k => !keys.Contains(k)))
        {
            Error(FlowErrorCodes.InvalidPropertyKey, $"Property '{key}' is not allowed on a {name} action.", JsonPointer.Append(pointer, key));
        }

        var hasPayload = action.TryGetProperty("payload", out var payload);
        var payloadPointer = JsonPointer.Append(pointer, "payload");
        if (hasPayload && payload.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "'payload' must be an object.", payloadPointer);
            hasPayload = false;
        }
        switch (name)
        {
            case "complete" when !screen.Terminal:
                Error(FlowErrorCodes.InvalidCompleteAction, $"'complete' is only allowed on terminal screens; '{screen.Id}' is not terminal.", pointer);
                break;
            case "navigate":
                CheckNavigate(screen, action, pointer, ownerType, hasPayload ? payload : null);
                break;
            case "data_exchange" when !_hasDataApi:
                Error(FlowErrorCodes.MissingRequiredProperty, "The 'data_exchange' action requires the flow's 'data_api_version'.", pointer);
                break;
            case "update_data" when hasPayload:
                foreach (var key in payload.EnumerateObject().Where(p => !screen.Data.ContainsKey(p.Name)))
                {
                    Error(FlowErrorCodes.InvalidActionPayloadProperty, $"update_data key '{key.Name}' is not in the data model of screen '{screen.Id}'.", JsonPointer.Append(payloadPointer, key.Name));
                }
                break;
            case "open_url":
                if (!action.TryGetProperty("url", out var url))
                {
                    Error(FlowErrorCodes.MissingRequiredProperty, "The 'open_url' action requires 'url'.", pointer);
                }
                else if (url.ValueKind != JsonValueKind.String || !Uri.TryCreate(url.GetString(), UriKind.Absolute, out _))
                {
                    Error(FlowErrorCodes.InvalidPropertyValueFormat, "'url' must be an absolute URI.", JsonPointer.Append(pointer, "url"));
                }
                break;
            default:
                break;
        }
        if (hasPayload)
        {
            ScanBindings(screen, payload, payloadPointer, inPayload: true);
            CheckPickersInPayload(screen, name, payload, payloadPointer);
        }
    }

    private void CheckPickersInPayload(ScreenInfo screen, string action, JsonElement payload, string pointer)
    {
        foreach (var (reference, valuePointer, topLevelExact) in PayloadReferences(payload, pointer, topLevel: true))
        {
            if (reference is not ["form", var name, ..] || !screen.Fields.TryGetValue(name, out var field) || !IsPicker(field))
            {
                continue;
            }
            if (action is "navigate" or "update_data")
            {
                Error(FlowErrorCodes.InvalidOnClickActionPayload, $"The value of picker '{name}' cannot be passed in a {action} payload.", valuePointer);
            }
            else if (!topLevelExact)
            {
                Error(FlowErrorCodes.InvalidOnClickActionPayload, $"Picker '{name}' must be a top-level payload value of its own ('${{form.{name}}}').", valuePointer);
            }
            else if (action == "complete")
            {
                var maxProperty = field.GetProperty("type").GetString() == "PhotoPicker" ? "max-uploaded-photos" : "max-uploaded-documents";
                if (!field.TryGetProperty(maxProperty, out var max) || max.ValueKind != JsonValueKind.Number || max.GetDouble() > 1)
                {
                    Error(FlowErrorCodes.InvalidOnClickActionPayload, $"Picker '{name}' sent with 'complete' must set '{maxProperty}' to at most 1 (the default is 30).", valuePointer);
                }
            }
        }
    }

    private static IEnumerable<(string[] Reference, string Pointer, bool TopLevelExact)> PayloadReferences(JsonElement value, string pointer, bool topLevel)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            var exact = text.StartsWith("${", StringComparison.Ordinal) && text.IndexOf('}', StringComparison.Ordinal) == text.Length - 1;
            foreach (var reference in References(text))
            {
                yield return (reference.Split('.'), pointer, exact && topLevel);
            }
            yield break;
        }
        IEnumerable<(JsonElement, string)> children = value.ValueKind switch
        {
            JsonValueKind.Object => value.EnumerateObject().Select(p => (p.Value, JsonPointer.Append(pointer, p.Name))),
            JsonValueKind.Array => value.EnumerateArray().Select((v, i) => (v, JsonPointer.Append(pointer, i))),
            _ => [],
        };
        var childTopLevel = topLevel && value.ValueKind == JsonValueKind.Object && pointer.EndsWith("/payload", StringComparison.Ordinal);
        foreach (var (child, childPointer) in children)
        {
            foreach (var found in PayloadReferences(child, childPointer, childTopLevel))
            {
                yield return found;
            }
        }
    }

    private void CheckNavigate(ScreenInfo screen, JsonElement action, string pointer, string ownerType, JsonElement? payload)
    {
        if (ownerType == "Footer" && screen.Terminal)
        {
            Warning(FlowErrorCodes.NavigateOnTerminalFooter, $"A navigate action on the Footer of terminal screen '{screen.Id}' prevents the flow from terminating there.", pointer);
        }
        if (!action.TryGetProperty("next", out var next))
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "A navigate action requires 'next'.", pointer);
            return;
        }
        var nextPointer = JsonPointer.Append(pointer, "next");
        if (next.ValueKind != JsonValueKind.Object || !next.TryGetProperty("name", out var targetName) || targetName.ValueKind != JsonValueKind.String)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "'next' must be {\"type\":\"screen\",\"name\":\"…\"}.", nextPointer);
            return;
        }
        if (next.TryGetProperty("type", out var nextType) && (nextType.ValueKind != JsonValueKind.String || nextType.GetString() != "screen"))
        {
            Error(FlowErrorCodes.InvalidEnumValue, "'next.type' must be 'screen'.", JsonPointer.Append(nextPointer, "type"));
        }
        var targetId = targetName.GetString()!;
        var namePointer = JsonPointer.Append(nextPointer, "name");
        if (targetId == screen.Id)
        {
            Error(FlowErrorCodes.InvalidNavigateActionNextScreenName, $"Screen '{screen.Id}' cannot navigate to itself.", namePointer);
            return;
        }
        if (!_screensById.TryGetValue(targetId, out var target))
        {
            Error(FlowErrorCodes.InvalidNavigateActionNextScreenName, $"Screen '{targetId}' does not exist.", namePointer);
            return;
        }
        // A link (EmbeddedLink, OptIn "read more") opens a side page the user leaves with Back (see rule 10).
        _navigations.Add((screen, targetId, pointer, ownerType is "EmbeddedLink" or "OptIn"));

        var payloadPointer = JsonPointer.Append(pointer, "payload");
        var sent = payload is { } p ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal) : [];
        if (!target.HasDataModel || target.Data.Count == 0)
        {
            if (sent.Count > 0)
            {
                Error(FlowErrorCodes.InvalidNavigateActionPayload, $"Screen '{targetId}' has no data model, so the navigate payload must be empty.", payloadPointer);
            }
            return;
        }
        var missing = target.Data.Keys.Where(k => !sent.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            Error(FlowErrorCodes.InvalidNavigateActionPayload,
                $"The navigate payload to '{targetId}' lacks field(s) of its data model: {string.Join(", ", missing)}.", payload is null ? pointer : payloadPointer);
        }
        foreach (var (key, value) in sent)
        {
            var keyPointer = JsonPointer.Append(payloadPointer, key);
            if (!target.Data.TryGetValue(key, out var schema))
            {
                Error(FlowErrorCodes.InvalidNavigateActionPayload, $"'{key}' is not in the data model of screen '{targetId}'.", keyPointer);
            }
            else if (!IsBinding(value) && SchemaType(schema) is { } type && !Matches(value, type))
            {
                Error(FlowErrorCodes.InvalidNavigateActionPayload, $"'{key}' is declared as {type} on screen '{targetId}' but the payload sends {value.ValueKind.ToString().ToLowerInvariant()}.", keyPointer);
            }
        }
    }

    private static bool IsBinding(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } text
        && (text.StartsWith("${", StringComparison.Ordinal) || text.StartsWith('`'));

    private static bool Matches(JsonElement value, string type) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => true,
    };

    private static readonly HashSet<string> SchemaTypes = ["string", "number", "integer", "boolean", "object", "array"];

    private void CheckDataModel(ScreenInfo screen, JsonElement data)
    {
        var pointer = JsonPointer.Append(screen.Pointer, "data");
        if (data.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "A screen's 'data' must be an object.", pointer);
            return;
        }
        foreach (var field in data.EnumerateObject())
        {
            CheckSchema(field.Value, JsonPointer.Append(pointer, field.Name), topLevel: true);
        }
    }

    private void CheckSchema(JsonElement schema, string pointer, bool topLevel)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidScreenData, "A data field must be a schema object with a 'type'.", pointer);
            return;
        }
        if (!schema.TryGetProperty("type", out var typeElement))
        {
            Error(FlowErrorCodes.InvalidScreenData, "The data field has no 'type'.", pointer);
            return;
        }
        if (typeElement.ValueKind != JsonValueKind.String || !SchemaTypes.Contains(typeElement.GetString()!))
        {
            Error(FlowErrorCodes.InvalidScreenData, "'type' must be one of string, number, boolean, object, array.", JsonPointer.Append(pointer, "type"));
            return;
        }
        var type = typeElement.GetString()!;
        if (type == "array")
        {
            if (!schema.TryGetProperty("items", out var items))
            {
                Error(FlowErrorCodes.InvalidScreenData, "An array needs 'items'.", pointer);
            }
            else if (items.ValueKind == JsonValueKind.Object)
            {
                CheckSchema(items, JsonPointer.Append(pointer, "items"), topLevel: false);
            }
            else if (items.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error(FlowErrorCodes.InvalidScreenData, "'items' must be an object or a boolean.", JsonPointer.Append(pointer, "items"));
            }
        }
        if (type == "object" && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                CheckSchema(property.Value, JsonPointer.Append(JsonPointer.Append(pointer, "properties"), property.Name), topLevel: false);
            }
        }
        var hasExample = schema.TryGetProperty("__example__", out var example);
        var examplePointer = JsonPointer.Append(pointer, "__example__");
        if (!topLevel)
        {
            if (hasExample)
            {
                Error(FlowErrorCodes.InvalidScreenData, "'__example__' is only allowed at the top level of the data model.", examplePointer);
            }
        }
        else if (!hasExample)
        {
            Error(FlowErrorCodes.InvalidScreenData, "The data field needs an '__example__'.", pointer);
        }
        else if (example.ValueKind == JsonValueKind.Null)
        {
            Error(FlowErrorCodes.InvalidScreenData, "'__example__' cannot be null.", examplePointer);
        }
        else if (!Matches(example, type))
        {
            Error(FlowErrorCodes.InvalidScreenData, $"'__example__' does not match the declared type '{type}'.", examplePointer);
        }
    }
}
