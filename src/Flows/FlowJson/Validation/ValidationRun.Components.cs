using System.Text.Json;

namespace Backend.Flows.FlowJson.Validation;

internal sealed partial class ValidationRun
{
    private static readonly HashSet<string> InputTypes = ["text", "number", "email", "password", "passcode", "phone"];
    private static readonly HashSet<string> BooleanProperties = ["required", "enabled", "visible", "strikethrough", "markdown"];
    private static readonly HashSet<string> NumberProperties =
    [
        "min-chars", "max-chars", "max-length", "min-selected-items", "max-selected-items", "width", "height",
        "min-days", "max-days", "max-file-size-kb", "min-uploaded-photos", "max-uploaded-photos",
        "min-uploaded-documents", "max-uploaded-documents",
    ];
    private static readonly HashSet<string> ArrayProperties = ["data-source", "list-items", "unavailable-dates", "images", "include-days", "allowed-mime-types"];

    // Meta's Components page refuses empty or blank text on these in every version; other strings only from 6.0.
    private static readonly HashSet<string> TextNeverEmpty = ["TextHeading", "TextSubheading", "TextBody", "TextCaption", "EmbeddedLink"];

    // Properties whose type the checks below report themselves (with Meta's codes), and containers walked as components.
    private static readonly HashSet<string> SelfTypedProperties = ["init-values", "error-messages", "condition", "children", "then", "else", "cases"];

    private static readonly HashSet<string> DataSourceItemProperties =
        ["id", "title", "description", "metadata", "enabled", "image", "alt-text", "color", "on-select-action", "on-unselect-action"];

    private readonly Dictionary<string, List<string>> _pointersByType = new(StringComparer.Ordinal);
    private readonly List<string> _footersOutsideConditionals = [];
    private readonly List<string> _footersInConditionals = [];
    private int _componentCount;

    private void CheckComponents(ScreenInfo screen, JsonElement children, string pointer, Scope scope)
    {
        var index = 0;
        foreach (var child in children.EnumerateArray())
        {
            CheckComponent(screen, child, JsonPointer.Append(pointer, index++), scope);
        }
    }

    private void CheckComponent(ScreenInfo screen, JsonElement component, string pointer, Scope scope)
    {
        if (component.ValueKind != JsonValueKind.Object)
        {
            Error(FlowErrorCodes.InvalidPropertyType, "A component must be an object.", pointer);
            return;
        }
        if (!component.TryGetProperty("type", out var typeElement))
        {
            Error(FlowErrorCodes.MissingRequiredTypeProperty, "The component has no 'type'.", pointer);
            return;
        }
        var type = typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString()! : "";
        if (!ComponentCatalog.ByType.TryGetValue(type, out var spec))
        {
            Error(FlowErrorCodes.InvalidPropertyValue, $"'{typeElement}' is not a component type.", JsonPointer.Append(pointer, "type"));
            return;
        }
        if (spec.Since > _version)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, $"{type} requires Flow JSON {spec.Since} or later (this flow is {_version}).", JsonPointer.Append(pointer, "type"));
        }

        _componentCount++;
        if (!_pointersByType.TryGetValue(type, out var sameType))
        {
            _pointersByType[type] = sameType = [];
        }
        sameType.Add(pointer);
        if (type == "Footer")
        {
            (scope.IfDepth > 0 ? _footersInConditionals : _footersOutsideConditionals).Add(pointer);
        }

        var misfits = CheckProperties(screen, component, pointer, spec, scope);
        CheckName(screen, component, pointer, spec, scope);

        switch (type)
        {
            case "Form":
                CheckForm(screen, component, pointer, scope);
                break;
            case "TextInput":
                CheckTextInput(component, pointer);
                break;
            case "CheckboxGroup" or "ChipsSelector":
                CheckMinMax(component, pointer, "min-selected-items", "max-selected-items");
                break;
            case "Footer":
                CheckFooterCaptions(component, pointer);
                break;
            case "If":
                CheckIf(screen, component, pointer, scope);
                break;
            case "Switch":
                CheckSwitch(screen, component, pointer, scope);
                break;
            case "NavigationList" when !misfits.Contains("list-items"):
                CheckNavigationList(screen, component, pointer);
                break;
            case "ImageCarousel" when !misfits.Contains("images"):
                CheckImageCarousel(component, pointer);
                break;
            default:
                break;
        }
        if (component.TryGetProperty("data-source", out var dataSource) && dataSource.ValueKind == JsonValueKind.Array && !misfits.Contains("data-source"))
        {
            CheckDataSource(screen, type, dataSource, JsonPointer.Append(pointer, "data-source"));
        }
        foreach (var actionProperty in ComponentCatalog.ActionProperties)
        {
            if (component.TryGetProperty(actionProperty, out var action))
            {
                CheckAction(screen, action, JsonPointer.Append(pointer, actionProperty), type, actionProperty);
            }
        }
    }

    /// <summary>Checks each property of a component; returns the names of those whose value the model cannot read.</summary>
    private HashSet<string> CheckProperties(ScreenInfo screen, JsonElement component, string pointer, ComponentSpec spec, Scope scope)
    {
        var misfits = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in component.EnumerateObject())
        {
            var name = property.Name;
            if (name == "type")
            {
                continue;
            }
            var propertyPointer = JsonPointer.Append(pointer, name);
            if (!spec.Properties.TryGetValue(name, out var since))
            {
                Error(FlowErrorCodes.InvalidPropertyKey, $"Property '{name}' is not allowed on {spec.Type}.", propertyPointer);
                continue;
            }
            if (since > _version && since > spec.Since) // a component newer than the flow is reported once, on its type
            {
                Error(FlowErrorCodes.InvalidPropertyKey, $"Property '{name}' of {spec.Type} requires Flow JSON {since} or later (this flow is {_version}).", propertyPointer);
            }
            if (scope.InForm && spec.IsInput && name is "init-value" or "error-message")
            {
                Error(FlowErrorCodes.InvalidPropertyKey,
                    $"'{name}' is not allowed on a component inside a Form; use the Form's '{name}s'.", propertyPointer);
            }
            var value = property.Value;
            if (name is "children" or "then" or "else" && value.ValueKind != JsonValueKind.Array
                || name == "cases" && value.ValueKind != JsonValueKind.Object)
            {
                Error(FlowErrorCodes.InvalidPropertyType, $"'{name}' must be {(name == "cases" ? "an object of case → components" : "an array of components")}.", propertyPointer);
                misfits.Add(name);
                continue;
            }
            if (ComponentCatalog.ActionProperties.Contains(name) || name is "children" or "then" or "else" or "cases")
            {
                continue;
            }
            if (!SelfTypedProperties.Contains(name) && ModelContract.PropertyType(spec.Type, name) is { } modelType
                && ModelContract.Misfit(value, modelType, propertyPointer) is { } misfit)
            {
                Error(FlowErrorCodes.InvalidPropertyType, $"'{name}' of {spec.Type} must be {misfit.Expected} at {misfit.Pointer}.", misfit.Pointer);
                misfits.Add(name);
                continue;
            }
            if (name == "condition")
            {
                CheckCondition(screen, value, propertyPointer);
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                CheckStringProperty(screen, spec, name, value.GetString()!, propertyPointer);
            }
            else if (name == "text" && value.ValueKind == JsonValueKind.Array)
            {
                CheckTextLines(screen, component, spec, value, propertyPointer);
            }
            else if (value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            {
                ScanBindings(screen, value, propertyPointer, inPayload: false);
            }
        }
        foreach (var required in spec.Required)
        {
            if (!component.TryGetProperty(required, out _))
            {
                Error(FlowErrorCodes.MissingRequiredProperty, $"{spec.Type} requires property '{required}'.", pointer);
            }
        }
        if (spec.Type is "RadioButtonsGroup" or "CheckboxGroup" && Applies(FlowVersionRules.SelectionLabelRequired) && !component.TryGetProperty("label", out _))
        {
            Error(FlowErrorCodes.MissingRequiredProperty, $"{spec.Type} requires property 'label' from Flow JSON 4.0.", pointer);
        }
        return misfits;
    }

    /// <summary>
    /// <c>text</c> as an array of lines: TextBody and TextCaption only with <c>markdown: true</c> (5.1+), RichText
    /// always. The lines together obey the text's limits; single lines may be empty (a markdown paragraph break).
    /// </summary>
    private void CheckTextLines(ScreenInfo screen, JsonElement component, ComponentSpec spec, JsonElement lines, string pointer)
    {
        if (spec.Type is "TextBody" or "TextCaption")
        {
            if (!Applies(FlowVersionRules.MarkdownTextLines))
            {
                Error(FlowErrorCodes.InvalidPropertyType, $"'text' of {spec.Type} can be an array of lines only from Flow JSON 5.1 (this flow is {_version}).", pointer);
                return;
            }
            if (!component.TryGetProperty("markdown", out var markdown) || markdown.ValueKind != JsonValueKind.True)
            {
                Error(FlowErrorCodes.InvalidPropertyType, $"'text' of {spec.Type} can be an array of lines only with 'markdown': true.", pointer);
                return;
            }
        }
        if (lines.GetArrayLength() == 0)
        {
            Error(FlowErrorCodes.MinItemsRequired, "'text' needs at least one line.", pointer);
            return;
        }
        var text = string.Join('\n', lines.EnumerateArray().Select(line => line.GetString()));
        if (TextNeverEmpty.Contains(spec.Type) || Applies(FlowVersionRules.NoEmptyStrings))
        {
            CheckNotBlank(text, pointer, "text");
        }
        if (spec.MaxChars.TryGetValue("text", out var max) && text.Length > max)
        {
            Error(FlowErrorCodes.MaxCharsExceeded, $"'text' of {spec.Type} has {text.Length} characters; at most {max} are allowed.", pointer);
        }
        ScanBindings(screen, lines, pointer, inPayload: false);
    }

    private void CheckStringProperty(ScreenInfo screen, ComponentSpec spec, string name, string text, string pointer)
    {
        if (name is "name" or "type")
        {
            if (text.Contains("${", StringComparison.Ordinal) || text.StartsWith('`'))
            {
                Error(FlowErrorCodes.InvalidPropertyValue, $"'{name}' cannot be dynamic.", pointer);
            }
            if (text.Length == 0)
            {
                Error(FlowErrorCodes.MinCharsRequired, $"'{name}' cannot be empty.", pointer);
            }
            return;
        }
        var expected = BooleanProperties.Contains(name) ? "boolean" : NumberProperties.Contains(name) ? "number" : ArrayProperties.Contains(name) ? "array" : null;
        if (CheckBindingString(screen, text, pointer, inPayload: false, expected))
        {
            return;
        }
        if (name == "text" && TextNeverEmpty.Contains(spec.Type) || Applies(FlowVersionRules.NoEmptyStrings))
        {
            CheckNotBlank(text, pointer, name);
        }
        spec.MaxChars.TryGetValue(name, out var max);
        if (max > 0 && text.Length > max)
        {
            Error(FlowErrorCodes.MaxCharsExceeded, $"'{name}' of {spec.Type} has {text.Length} characters; at most {max} are allowed.", pointer);
        }
        if (name == "input-type" && !InputTypes.Contains(text))
        {
            Error(FlowErrorCodes.InvalidEnumValue, $"'{text}' is not an input-type (text, number, email, password, passcode, phone).", pointer);
        }
    }

    private void CheckNotBlank(string text, string pointer, string name)
    {
        if (text.Length == 0)
        {
            Error(FlowErrorCodes.MinCharsRequired, $"'{name}' cannot be empty.", pointer);
        }
        else if (string.IsNullOrWhiteSpace(text))
        {
            Error(FlowErrorCodes.PatternMismatch, $"'{name}' cannot be blank.", pointer);
        }
    }

    private void CheckName(ScreenInfo screen, JsonElement component, string pointer, ComponentSpec spec, Scope scope)
    {
        if (!component.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            return;
        }
        var name = nameElement.GetString()!;
        if (!screen.NamesSeen.Add(name))
        {
            Error(FlowErrorCodes.DuplicateFormComponentNames, $"Name '{name}' is used by more than one component on screen '{screen.Id}'.", JsonPointer.Append(pointer, "name"));
        }
        if (spec.IsInput && !scope.InForm)
        {
            if (Applies(FlowVersionRules.InputsInsideForm))
            {
                Error(FlowErrorCodes.KeywordOneOf, $"Before Flow JSON 4.0, {spec.Type} must be inside a Form.", pointer);
            }
            else
            {
                screen.InputsOutsideForm.Add(pointer);
            }
        }
    }

    private void CheckForm(ScreenInfo screen, JsonElement form, string pointer, Scope scope)
    {
        if (scope.InForm)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "A Form cannot contain another Form.", pointer);
        }
        if (form.TryGetProperty("init-values", out var initValues))
        {
            if (initValues.ValueKind == JsonValueKind.Object)
            {
                foreach (var value in initValues.EnumerateObject())
                {
                    if (screen.Fields.TryGetValue(value.Name, out var field) && IsPicker(field))
                    {
                        Error(FlowErrorCodes.NativeComponentInFormInitValues,
                            $"'{value.Name}' is a {field.GetProperty("type").GetString()}; pickers cannot be initialised through init-values.",
                            JsonPointer.Append(JsonPointer.Append(pointer, "init-values"), value.Name));
                    }
                }
            }
            else if (initValues.ValueKind != JsonValueKind.String)
            {
                Error(FlowErrorCodes.InvalidPropertyType, "'init-values' must be an object or a binding.", JsonPointer.Append(pointer, "init-values"));
            }
        }
        if (form.TryGetProperty("error-messages", out var errors) && errors.ValueKind is not (JsonValueKind.Object or JsonValueKind.String))
        {
            Error(FlowErrorCodes.InvalidScreenDynamicData, "'error-messages' must be an object or a binding.", JsonPointer.Append(pointer, "error-messages"));
        }
        if (form.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            CheckComponents(screen, children, JsonPointer.Append(pointer, "children"), scope with { InForm = true });
        }
    }

    private static bool IsPicker(JsonElement component) =>
        component.TryGetProperty("type", out var type) && type.GetString() is "PhotoPicker" or "DocumentPicker";

    private void CheckTextInput(JsonElement input, string pointer)
    {
        if (input.TryGetProperty("pattern", out _) && !input.TryGetProperty("helper-text", out _))
        {
            Error(FlowErrorCodes.MissingRequiredProperty, "A TextInput with 'pattern' requires 'helper-text'.", pointer);
        }
        CheckMinMax(input, pointer, "min-chars", "max-chars");
    }

    private void CheckMinMax(JsonElement component, string pointer, string minName, string maxName)
    {
        if (component.TryGetProperty(minName, out var min) && min.ValueKind == JsonValueKind.Number
            && component.TryGetProperty(maxName, out var max) && max.ValueKind == JsonValueKind.Number
            && min.GetDouble() > max.GetDouble())
        {
            Error(FlowErrorCodes.MinValueGreaterThanMax, $"'{minName}' ({min}) is greater than '{maxName}' ({max}).", JsonPointer.Append(pointer, minName));
        }
    }

    private void CheckFooterCaptions(JsonElement footer, string pointer)
    {
        var left = footer.TryGetProperty("left-caption", out _);
        var center = footer.TryGetProperty("center-caption", out _);
        var right = footer.TryGetProperty("right-caption", out _);
        if (center && (left || right))
        {
            Error(FlowErrorCodes.InvalidDependencies, "'center-caption' cannot be combined with 'left-caption' or 'right-caption'.", JsonPointer.Append(pointer, "center-caption"));
        }
        else if (left != right)
        {
            Error(FlowErrorCodes.InvalidDependencies, "'left-caption' and 'right-caption' must be used together.", JsonPointer.Append(pointer, left ? "left-caption" : "right-caption"));
        }
    }

    private void CheckIf(ScreenInfo screen, JsonElement component, string pointer, Scope scope)
    {
        if (scope.IfDepth >= 3)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "If components can be nested at most 3 levels deep.", pointer);
        }
        var inner = scope with { IfDepth = scope.IfDepth + 1 };
        var thenFooters = 0;
        var elseFooters = 0;
        if (component.TryGetProperty("then", out var then) && then.ValueKind == JsonValueKind.Array)
        {
            if (then.GetArrayLength() == 0)
            {
                Error(FlowErrorCodes.MinItemsRequired, "'then' cannot be empty.", JsonPointer.Append(pointer, "then"));
            }
            thenFooters = CountFooters(then);
            CheckComponents(screen, then, JsonPointer.Append(pointer, "then"), inner);
        }
        var hasElse = component.TryGetProperty("else", out var otherwise) && otherwise.ValueKind == JsonValueKind.Array;
        if (hasElse)
        {
            elseFooters = CountFooters(otherwise);
            CheckComponents(screen, otherwise, JsonPointer.Append(pointer, "else"), inner);
        }
        if ((thenFooters > 0) != (elseFooters > 0))
        {
            Error(FlowErrorCodes.MissingFooterInIfElseBranches,
                hasElse ? "A Footer inside an If must be in both branches." : "An If whose 'then' has a Footer needs an 'else' with a Footer too.",
                pointer);
        }
        if (scope.IfDepth > 0 && (thenFooters > 0 || elseFooters > 0))
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "A Footer can only be inside a first-level If.", pointer);
        }
    }

    private void CheckSwitch(ScreenInfo screen, JsonElement component, string pointer, Scope scope)
    {
        if (!component.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var total = 0;
        var withFooter = 0;
        foreach (var branch in cases.EnumerateObject())
        {
            total++;
            if (branch.Value.ValueKind != JsonValueKind.Array)
            {
                Error(FlowErrorCodes.InvalidPropertyType, "A Switch case must be an array of components.", JsonPointer.Append(JsonPointer.Append(pointer, "cases"), branch.Name));
                continue;
            }
            withFooter += CountFooters(branch.Value) > 0 ? 1 : 0;
            CheckComponents(screen, branch.Value, JsonPointer.Append(JsonPointer.Append(pointer, "cases"), branch.Name), scope with { IfDepth = scope.IfDepth + 1 });
        }
        if (total == 0)
        {
            Error(FlowErrorCodes.MinItemsRequired, "'cases' cannot be empty.", JsonPointer.Append(pointer, "cases"));
        }
        if (withFooter > 0 && withFooter < total)
        {
            Error(FlowErrorCodes.MissingFooterInSwitchBranches, "When one Switch case has a Footer, every case must.", pointer);
        }
    }

    private static int CountFooters(JsonElement children)
    {
        var count = 0;
        foreach (var child in children.EnumerateArray())
        {
            if (child.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            if (child.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Footer")
            {
                count++;
            }
            foreach (var nested in Nested(child))
            {
                count += CountFooters(nested.Children);
            }
        }
        return count;
    }

    private void CheckDataSource(ScreenInfo screen, string type, JsonElement items, string pointer)
    {
        var (min, max) = type switch
        {
            "Dropdown" => (1, items.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("image", out _)) ? 100 : 200),
            "ChipsSelector" => (2, 20),
            _ => (1, 20),
        };
        var count = items.GetArrayLength();
        if (count < min)
        {
            Error(FlowErrorCodes.MinItemsRequired, $"{type} needs at least {min} option(s).", pointer);
        }
        else if (count > max)
        {
            Error(FlowErrorCodes.MaxItemsExceeded, $"{type} allows at most {max} options; it has {count}.", pointer);
        }
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var itemPointer = JsonPointer.Append(pointer, index++);
            if (item.ValueKind != JsonValueKind.Object)
            {
                Error(FlowErrorCodes.InvalidPropertyType, "An option must be an object.", itemPointer);
                continue;
            }
            foreach (var key in item.EnumerateObject().Select(p => p.Name).Where(k => !DataSourceItemProperties.Contains(k)))
            {
                Error(FlowErrorCodes.InvalidPropertyKey, $"Property '{key}' is not allowed on an option.", JsonPointer.Append(itemPointer, key));
            }
            foreach (var required in (string[])["id", "title"])
            {
                if (!item.TryGetProperty(required, out _))
                {
                    Error(FlowErrorCodes.MissingRequiredProperty, $"An option requires '{required}'.", itemPointer);
                }
            }
            foreach (var (name, limit) in (ReadOnlySpan<(string, int)>)[("title", 30), ("description", 300), ("metadata", 20)])
            {
                if (item.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > limit)
                {
                    Error(FlowErrorCodes.MaxCharsExceeded, $"Option '{name}' has {text.GetString()!.Length} characters; at most {limit} are allowed.", JsonPointer.Append(itemPointer, name));
                }
            }
            foreach (var actionProperty in (string[])["on-select-action", "on-unselect-action"])
            {
                if (item.TryGetProperty(actionProperty, out var action))
                {
                    CheckAction(screen, action, JsonPointer.Append(itemPointer, actionProperty), "data-source", actionProperty);
                }
            }
        }
    }

    private void CheckNavigationList(ScreenInfo screen, JsonElement list, string pointer)
    {
        if (screen.Terminal)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "A NavigationList cannot be used on a terminal screen.", pointer);
        }
        if (!list.TryGetProperty("list-items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        var itemsPointer = JsonPointer.Append(pointer, "list-items");
        if (items.GetArrayLength() is < 1 or > 20)
        {
            Error(items.GetArrayLength() < 1 ? FlowErrorCodes.MinItemsRequired : FlowErrorCodes.MaxItemsExceeded,
                "A NavigationList has 1 to 20 items.", itemsPointer);
        }
        var listHasAction = list.TryGetProperty("on-click-action", out _);
        var badges = 0;
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var itemPointer = JsonPointer.Append(itemsPointer, index++);
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            if (item.TryGetProperty("badge", out _) && ++badges == 2)
            {
                Error(FlowErrorCodes.InvalidPropertyValue, "Only one NavigationList item may have a badge.", JsonPointer.Append(itemPointer, "badge"));
            }
            if (item.TryGetProperty("on-click-action", out var action))
            {
                if (listHasAction)
                {
                    Error(FlowErrorCodes.InvalidPropertyValue, "'on-click-action' goes on the NavigationList or on its items, never both.", JsonPointer.Append(itemPointer, "on-click-action"));
                }
                CheckAction(screen, action, JsonPointer.Append(itemPointer, "on-click-action"), "NavigationList", "on-click-action");
            }
            if (item.TryGetProperty("main-content", out var content) && content.ValueKind == JsonValueKind.Object)
            {
                foreach (var (name, limit) in (ReadOnlySpan<(string, int)>)[("title", 30), ("description", 20), ("metadata", 80)])
                {
                    if (content.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > limit)
                    {
                        Error(FlowErrorCodes.MaxCharsExceeded, $"Item '{name}' has at most {limit} characters.", JsonPointer.Append(JsonPointer.Append(itemPointer, "main-content"), name));
                    }
                }
            }
        }
    }

    private void CheckImageCarousel(JsonElement carousel, string pointer)
    {
        if (++_carouselsInFlow == 4)
        {
            Error(FlowErrorCodes.MaxImageCarouselPerFlow, "A flow has at most 3 ImageCarousels.", pointer);
        }
        if (carousel.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array && images.GetArrayLength() is < 1 or > 3)
        {
            Error(images.GetArrayLength() < 1 ? FlowErrorCodes.MinItemsRequired : FlowErrorCodes.MaxItemsExceeded,
                "An ImageCarousel has 1 to 3 images.", JsonPointer.Append(pointer, "images"));
        }
    }

    // Per-screen limits that need the whole layout: counts, footers, inputs outside the Form,
    // and components that must be alone.
    private void CheckScreenComposition(ScreenInfo screen, string pointer)
    {
        if (_componentCount > 50)
        {
            Error(FlowErrorCodes.MaxComponentsPerScreen, $"A screen has at most 50 components; '{screen.Id}' has {_componentCount}.", pointer);
        }
        screen.FooterCount = _footersOutsideConditionals.Count + (_footersInConditionals.Count > 0 ? 1 : 0);
        if (_footersOutsideConditionals.Count > 1)
        {
            Error(FlowErrorCodes.MaxFooterPerScreen, "A screen has at most one Footer.", _footersOutsideConditionals[1]);
        }
        if (_footersOutsideConditionals.Count > 0 && _footersInConditionals.Count > 0)
        {
            Error(FlowErrorCodes.MoreThanOneFooter, "A Footer inside an If or Switch excludes a Footer outside it.", _footersInConditionals[0]);
        }
        LimitPerScreen("EmbeddedLink", 2, FlowErrorCodes.MaxEmbeddedLinkPerScreen);
        LimitPerScreen("Image", 3, FlowErrorCodes.MaxImagePerScreen);
        LimitPerScreen("OptIn", 5, FlowErrorCodes.MaxOptInPerScreen);
        LimitPerScreen("NavigationList", 2, FlowErrorCodes.MaxNavigationListPerScreen);
        LimitPerScreen("ImageCarousel", 2, FlowErrorCodes.MaxImageCarouselPerScreen);

        if (_pointersByType.TryGetValue("NavigationList", out var lists) && _componentCount > lists.Count)
        {
            Error(FlowErrorCodes.InvalidPropertyValue, "A NavigationList cannot be combined with other components on its screen.", lists[0]);
        }
        if (_pointersByType.TryGetValue("RichText", out var richTexts))
        {
            var withFooter = Applies(FlowVersionRules.RichTextWithFooter);
            var footers = withFooter && _pointersByType.TryGetValue("Footer", out var f) ? f.Count : 0;
            if ((withFooter || Applies(FlowVersionRules.RichTextAlone)) && _componentCount > richTexts.Count + footers)
            {
                Error(FlowErrorCodes.InvalidPropertyValue,
                    withFooter ? "RichText can only share its screen with a Footer." : "RichText must be the only component on its screen before Flow JSON 6.3.",
                    richTexts[0]);
            }
        }
        if (screen.FormNames.Count > 0 && Applies(FlowVersionRules.NoInputBesideForm))
        {
            foreach (var outside in screen.InputsOutsideForm)
            {
                Error(FlowErrorCodes.ComponentsOutsideForm, "When a screen has a Form, every input must be inside it.", outside);
            }
        }
        _pointersByType.Clear();
        _footersOutsideConditionals.Clear();
        _footersInConditionals.Clear();
        _componentCount = 0;
    }

    private void LimitPerScreen(string type, int max, string code)
    {
        if (_pointersByType.TryGetValue(type, out var pointers) && pointers.Count > max)
        {
            Error(code, $"A screen has at most {max} {type} component(s).", pointers[max]);
        }
    }
}
