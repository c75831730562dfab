using System.Text.Json;

namespace Backend.Flows.FlowJson.Validation;

/// <summary>One validation of one document: collects screens first, then checks each, then routing.</summary>
internal sealed partial class ValidationRun(JsonElement root)
{
    private static readonly HashSet<string> TopLevelProperties = ["version", "data_api_version", "routing_model", "data_channel_uri", "screens"];
    private static readonly HashSet<string> ScreenProperties = ["id", "title", "data", "terminal", "success", "refresh_on_back", "sensitive", "layout"];
    private static readonly string[] DataApiVersions = ["3.0", "4.0"];

    private readonly List<FlowValidationFinding> _errors = [];
    private readonly List<FlowValidationFinding> _warnings = [];
    private readonly List<ScreenInfo> _screens = [];
    private readonly Dictionary<string, ScreenInfo> _screensById = new(StringComparer.Ordinal);
    private readonly List<(ScreenInfo From, string To, string Pointer, bool ByLink)> _navigations = [];
    private FlowVersion _version = FlowVersion.Latest;
    private bool _hasDataApi;
    private bool _hasRoutingModel;
    private int _carouselsInFlow;

    public FlowValidationResult Run()
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidFlowJson, "The Flow JSON must be an object.", "");
            return Result();
        }
        CheckTopLevel();
        if (root.TryGetProperty("screens", out var screens) && screens.ValueKind == JsonValueKind.Array)
        {
            CollectScreens(screens);
            foreach (var screen in _screens)
            {
                CheckScreen(screen);
            }
            CheckTerminalScreens();
            CheckRouting();
        }
        if (_errors.Count == 0)
        {
            CheckReadable();
        }
        return Result();
    }

    // The rules above refuse what the model cannot read (ModelContract); this is the last word on that, so
    // that a document the validator accepts always parses, whatever gap the rules have.
    private void CheckReadable()
    {
        try
        {
            FlowJsonSerializer.Parse(root);
        }
        catch (FlowJsonFormatException e)
        {
            Error(FlowErrorCodes.InvalidPropertyType, $"{ReadableMessagePrefix}{e.Message}", e.Pointer);
        }
    }

    /// <summary>How the message of the last-resort "cannot be read into the model" error starts.</summary>
    internal const string ReadableMessagePrefix = "The document does not fit the Flow JSON model: ";

    private FlowValidationResult Result() => new(_errors, _warnings);

    private bool Applies(VersionedRule rule) => rule.AppliesTo(_version);

    private void Error(string code, string message, string pointer) => _errors.Add(new(code, message, pointer, FindingSeverity.Error));

    private void Warning(string code, string message, string pointer) => _warnings.Add(new(code, message, pointer, FindingSeverity.Warning));

    private void CheckTopLevel()
    {
        foreach (var property in root.EnumerateObject())
        {
            if (!TopLevelProperties.Contains(property.Name))
            {
                Error(FlowErrorCodes.InvalidPropertyKey, $"Property '{property.Name}' is not allowed at the top level.", JsonPointer.Append("", property.Name));
            }
        }

        if (!root.TryGetProperty("version", out var version))
        {
            Error(FlowErrorCodes.MissingFlowJsonVersion, "The Flow JSON version is missing.", "");
        }
        else if (version.ValueKind != JsonValueKind.String || !FlowVersion.TryParse(version.GetString(), out _version))
        {
            _version = FlowVersion.Latest;
            Error(FlowErrorCodes.InvalidFlowJsonVersion, "The version must be a string of the form \"major.minor\", e.g. \"7.3\".", "/version");
        }
        else if (!FlowVersion.Known.Contains(_version))
        {
            Error(FlowErrorCodes.UnsupportedFlowJsonVersion, $"Flow JSON version '{_version}' does not exist (known: 2.1 to 7.3).", "/version");
            _version = FlowVersion.Latest;
        }
        else if (!Applies(FlowVersionRules.Publishable))
        {
            Warning(FlowErrorCodes.UnavailableFlowJsonVersion,
                $"Flow JSON version '{_version}' can no longer be published; 5.1, 6.x and 7.x can (7.3 recommended).", "/version");
        }

        _hasDataApi = root.TryGetProperty("data_api_version", out var dataApi);
        _hasRoutingModel = root.TryGetProperty("routing_model", out _);
        if (_hasDataApi && (dataApi.ValueKind != JsonValueKind.String || !DataApiVersions.Contains(dataApi.GetString())))
        {
            Error(FlowErrorCodes.NoSupportedDataApiVersion, "data_api_version must be \"3.0\" or \"4.0\".", "/data_api_version");
        }
        if (_hasDataApi && !_hasRoutingModel)
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "Property 'routing_model' is required when 'data_api_version' is set.", "");
        }
        CheckModelProperty(root, typeof(FlowJsonDocument), "data_channel_uri", "");
        if (root.TryGetProperty("data_channel_uri", out _) && !Applies(FlowVersionRules.DataChannelUri))
        {
            Error(FlowErrorCodes.InvalidPropertyKey,
                "Property 'data_channel_uri' is no longer supported in Flow JSON as of version '3.0'; set the flow's endpoint_uri through the API.", "/data_channel_uri");
        }

        if (!root.TryGetProperty("screens", out var screens))
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "Property 'screens' is required.", "");
        }
        else if (screens.ValueKind != JsonValueKind.Array)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "'screens' must be an array.", "/screens");
        }
        else if (screens.GetArrayLength() == 0)
        {
            Error(FlowErrorCodes.MinItemsRequired, "A flow needs at least one screen.", "/screens");
        }
        else if (screens.GetArrayLength() > 100)
        {
            Error(FlowErrorCodes.MaxScreensNumber, $"A flow has at most 100 screens; this one has {screens.GetArrayLength()}.", "/screens");
        }
    }

    private void CollectScreens(JsonElement screens)
    {
        var index = 0;
        foreach (var element in screens.EnumerateArray())
        {
            var pointer = JsonPointer.Append("/screens", index++);
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(FlowErrorCodes.InvalidPropertyType, "A screen must be an object.", pointer);
                continue;
            }
            var id = element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : null;
            var screen = new ScreenInfo(id ?? "", pointer, element)
            {
                Terminal = element.TryGetProperty("terminal", out var terminal) && terminal.ValueKind == JsonValueKind.True,
            };
            if (element.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                screen.HasDataModel = true;
                foreach (var field in data.EnumerateObject())
                {
                    screen.Data[field.Name] = field.Value;
                }
            }
            if (element.TryGetProperty("layout", out var layout) && layout.ValueKind == JsonValueKind.Object && layout.TryGetProperty("children", out var children)
                && children.ValueKind == JsonValueKind.Array)
            {
                CollectFields(screen, children);
            }
            _screens.Add(screen);
            if (id is not null)
            {
                _screensById.TryAdd(id, screen);
            }
        }
    }

    // Field names, Form names and pickers of a screen, gathered before the checks so that
    // references may point forward (and, from 4.0, to other screens).
    private static void CollectFields(ScreenInfo screen, JsonElement children)
    {
        foreach (var child in children.EnumerateArray())
        {
            if (child.ValueKind != JsonValueKind.Object || !child.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }
            var type = typeElement.GetString()!;
            if (child.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                if (type == "Form")
                {
                    screen.FormNames.Add(name.GetString()!);
                }
                else if (ComponentCatalog.ByType.TryGetValue(type, out var spec) && spec.IsInput)
                {
                    screen.Fields.TryAdd(name.GetString()!, child);
                }
            }
            foreach (var nested in Nested(child))
            {
                CollectFields(screen, nested.Children);
            }
        }
    }

    /// <summary>The child lists of a container component, with their pointer suffixes.</summary>
    private static IEnumerable<(JsonElement Children, string Suffix, string Branch)> Nested(JsonElement component)
    {
        if (component.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            yield return (children, "/children", "children");
        }
        if (component.TryGetProperty("then", out var then) && then.ValueKind == JsonValueKind.Array)
        {
            yield return (then, "/then", "then");
        }
        if (component.TryGetProperty("else", out var otherwise) && otherwise.ValueKind == JsonValueKind.Array)
        {
            yield return (otherwise, "/else", "else");
        }
        if (component.TryGetProperty("cases", out var cases) && cases.ValueKind == JsonValueKind.Object)
        {
            foreach (var branch in cases.EnumerateObject())
            {
                if (branch.Value.ValueKind == JsonValueKind.Array)
                {
                    yield return (branch.Value, JsonPointer.Append("/cases", branch.Name), branch.Name);
                }
            }
        }
    }

    private void CheckScreen(ScreenInfo screen)
    {
        var element = screen.Element;
        foreach (var property in element.EnumerateObject())
        {
            if (!ScreenProperties.Contains(property.Name))
            {
                Error(FlowErrorCodes.InvalidPropertyKey, $"Property '{property.Name}' is not allowed on a screen.", JsonPointer.Append(screen.Pointer, property.Name));
            }
        }
        CheckScreenId(screen);
        foreach (var name in (string[])["title", "terminal", "success", "refresh_on_back"])
        {
            CheckModelProperty(element, typeof(Screen), name, screen.Pointer);
        }

        var success = element.TryGetProperty("success", out var successElement);
        if (success && !screen.Terminal)
        {
            Error(FlowErrorCodes.NotKeywordSchemaValidationFailed, "'success' is only allowed on terminal screens.", JsonPointer.Append(screen.Pointer, "success"));
        }
        screen.Success = !success || successElement.ValueKind != JsonValueKind.False;
        if (element.TryGetProperty("refresh_on_back", out var refresh) && refresh.ValueKind == JsonValueKind.True && !_hasDataApi)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "'refresh_on_back' can only be true when the flow has a data_api_version.", JsonPointer.Append(screen.Pointer, "refresh_on_back"));
        }
        if (element.TryGetProperty("sensitive", out var sensitive))
        {
            CheckSensitive(screen, sensitive);
        }
        if (element.TryGetProperty("data", out var data))
        {
            CheckDataModel(screen, data);
        }

        if (!element.TryGetProperty("layout", out var layout))
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "Property 'layout' is required.", screen.Pointer);
            return;
        }
        var layoutPointer = JsonPointer.Append(screen.Pointer, "layout");
        if (layout.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "'layout' must be an object.", layoutPointer);
            return;
        }
        foreach (var property in layout.EnumerateObject())
        {
            if (property.Name is not ("type" or "children"))
            {
                Error(FlowErrorCodes.InvalidPropertyKey, $"Property '{property.Name}' is not allowed on a layout.", JsonPointer.Append(layoutPointer, property.Name));
            }
        }
        if (!layout.TryGetProperty("type", out var layoutType) || layoutType.ValueKind != JsonValueKind.String || layoutType.GetString() != "SingleColumnLayout")
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "The layout type must be 'SingleColumnLayout'.", JsonPointer.Append(layoutPointer, "type"));
        }
        if (!layout.TryGetProperty("children", out var children) || children.ValueKind != JsonValueKind.Array)
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "The layout needs a 'children' array.", layoutPointer);
            return;
        }
        var childrenPointer = JsonPointer.Append(layoutPointer, "children");
        CheckComponents(screen, children, childrenPointer, new Scope(InForm: false, IfDepth: 0, InFooterBranch: false));
        CheckScreenComposition(screen, childrenPointer);
    }

    /// <summary>Reports a property of a top-level object or screen whose value the model cannot read.</summary>
    private void CheckModelProperty(JsonElement owner, Type modelType, string name, string ownerPointer)
    {
        if (owner.TryGetProperty(name, out var value)
            && ModelContract.Misfit(value, ModelContract.PropertiesOf(modelType)[name].PropertyType, JsonPointer.Append(ownerPointer, name)) is { } misfit)
        {
            Error(FlowErrorCodes.InvalidPropertyType, $"'{name}' must be {misfit.Expected}.", misfit.Pointer);
        }
    }

    private void CheckScreenId(ScreenInfo screen)
    {
        var idPointer = JsonPointer.Append(screen.Pointer, "id");
        if (!screen.Element.TryGetProperty("id", out var id))
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "Property 'id' is required.", screen.Pointer);
            return;
        }
        if (id.ValueKind != JsonValueKind.String)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "The screen id must be a string.", idPointer);
            return;
        }
        if (screen.Id.Length == 0)
        {
            Error(FlowErrorCodes.MinCharsRequired, "The screen id cannot be empty.", idPointer);
            return;
        }
        if (!screen.Id.All(c => char.IsAsciiLetter(c) || c == '_'))
        {
            Error(FlowErrorCodes.PatternMismatch, $"Screen id '{screen.Id}' may only contain letters and underscores.", idPointer);
        }
        if (string.Equals(screen.Id, "SUCCESS", StringComparison.OrdinalIgnoreCase))
        {
            Error(FlowErrorCodes.ScreenIdIsReservedKeyword, $"'{screen.Id}' is a reserved keyword and cannot be used as a screen id.", idPointer);
        }
        if (!ReferenceEquals(_screensById[screen.Id], screen))
        {
            Error(FlowErrorCodes.DuplicateScreenIds, $"Screen id '{screen.Id}' is used by more than one screen.", idPointer);
        }
    }

    private void CheckSensitive(ScreenInfo screen, JsonElement sensitive)
    {
        var pointer = JsonPointer.Append(screen.Pointer, "sensitive");
        if (!Applies(FlowVersionRules.Sensitive))
        {
            Error(FlowErrorCodes.InvalidPropertyKey, $"'sensitive' requires Flow JSON 5.1 or later (this flow is {_version}).", pointer);
        }
        if (sensitive.ValueKind != JsonValueKind.Array)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "'sensitive' must be an array of field names.", pointer);
            return;
        }
        var index = 0;
        foreach (var name in sensitive.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.String)
            {
                Error(FlowErrorCodes.InvalidPropertyType, "'sensitive' lists field names (strings).", JsonPointer.Append(pointer, index));
            }
            else if (!screen.Fields.ContainsKey(name.GetString()!))
            {
                Warning(FlowErrorCodes.InvalidPropertyValue, $"'{name}' in 'sensitive' is not a field of this screen.", JsonPointer.Append(pointer, index));
            }
            index++;
        }
    }

    private void CheckTerminalScreens()
    {
        var terminals = _screens.Where(s => s.Terminal).ToList();
        if (terminals.Count == 0)
        {
            Error(FlowErrorCodes.MissingTerminalScreen, "At least one screen must be terminal.", "/screens");
            return;
        }
        if (terminals.All(s => !s.Success))
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "At least one terminal screen must have success=true.", "/screens");
        }
        foreach (var screen in terminals.Where(s => s.FooterCount == 0 && s.Element.TryGetProperty("layout", out _)))
        {
            Error(FlowErrorCodes.MissingFooterOnTerminalScreen, $"Terminal screen '{screen.Id}' needs a Footer.", JsonPointer.Append(screen.Pointer, "layout"));
        }
    }

    private sealed class ScreenInfo(string id, string pointer, JsonElement element)
    {
        public string Id { get; } = id;
        public string Pointer { get; } = pointer;
        public JsonElement Element { get; } = element;
        public bool Terminal { get; init; }
        public bool Success { get; set; } = true;
        public bool HasDataModel { get; set; }
        public Dictionary<string, JsonElement> Data { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, JsonElement> Fields { get; } = new(StringComparer.Ordinal);
        public HashSet<string> FormNames { get; } = new(StringComparer.Ordinal);
        public HashSet<string> NamesSeen { get; } = new(StringComparer.Ordinal);
        public List<string> InputsOutsideForm { get; } = [];
        public int FooterCount { get; set; }
    }

    /// <summary>Where a component sits: inside a Form, how deep in If, inside an If branch that has a Footer.</summary>
    private readonly record struct Scope(bool InForm, int IfDepth, bool InFooterBranch);
}
