namespace Backend.Flows.FlowJson.Validation;

/// <summary>What Meta's Components page says about one component type.</summary>
internal sealed record ComponentSpec(
    string Type,
    FlowVersion Since,
    IReadOnlyDictionary<string, FlowVersion> Properties,
    IReadOnlyList<string> Required,
    IReadOnlyDictionary<string, int> MaxChars,
    bool IsInput)
{
    public bool IsPicker => Type is "PhotoPicker" or "DocumentPicker";
}

/// <summary>
/// The component table: types, the version each appeared in, allowed properties (with the
/// version a property appeared in when later than its component), required properties and
/// character limits.
/// </summary>
internal static class ComponentCatalog
{
    private static readonly FlowVersion V21 = new(2, 1);

    public static IReadOnlyDictionary<string, ComponentSpec> ByType { get; } = Build();

    /// <summary>Which actions each (component, action property) allows.</summary>
    public static IReadOnlyDictionary<(string Type, string Property), string[]> AllowedActions { get; } =
        new Dictionary<(string, string), string[]>
        {
            [("Footer", "on-click-action")] = ["navigate", "data_exchange", "complete"],
            [("EmbeddedLink", "on-click-action")] = ["navigate", "data_exchange", "open_url"],
            [("OptIn", "on-click-action")] = ["navigate", "data_exchange", "open_url"],
            [("OptIn", "on-select-action")] = ["update_data"],
            [("OptIn", "on-unselect-action")] = ["update_data"],
            [("Dropdown", "on-select-action")] = ["data_exchange", "update_data"],
            [("Dropdown", "on-unselect-action")] = ["update_data"],
            [("RadioButtonsGroup", "on-select-action")] = ["data_exchange", "update_data"],
            [("RadioButtonsGroup", "on-unselect-action")] = ["update_data"],
            [("CheckboxGroup", "on-select-action")] = ["data_exchange", "update_data"],
            [("CheckboxGroup", "on-unselect-action")] = ["update_data"],
            [("ChipsSelector", "on-select-action")] = ["data_exchange", "update_data"],
            [("ChipsSelector", "on-unselect-action")] = ["update_data"],
            [("DatePicker", "on-select-action")] = ["data_exchange"],
            [("CalendarPicker", "on-select-action")] = ["data_exchange"],
            [("NavigationList", "on-click-action")] = ["navigate", "data_exchange"],
            [("data-source", "on-select-action")] = ["update_data"],
            [("data-source", "on-unselect-action")] = ["update_data"],
        };

    public static readonly string[] ActionProperties = ["on-click-action", "on-select-action", "on-unselect-action"];

    private static Dictionary<string, ComponentSpec> Build()
    {
        var v40 = new FlowVersion(4, 0);
        var v51 = new FlowVersion(5, 1);
        var v60 = new FlowVersion(6, 0);
        var v62 = new FlowVersion(6, 2);
        var v70 = new FlowVersion(7, 0);
        ComponentSpec[] specs =
        [
            Spec("TextHeading", V21, "text visible", "text", [], ("text", 80)),
            Spec("TextSubheading", V21, "text visible", "text", [], ("text", 80)),
            Spec("TextBody", V21, "text font-weight strikethrough visible", "text", [("markdown", v51)], ("text", 4096)),
            Spec("TextCaption", V21, "text font-weight strikethrough visible", "text", [("markdown", v51)], ("text", 4096)),
            Spec("RichText", v51, "text visible", "text", []),
            Spec("Image", V21, "src width height scale-type aspect-ratio alt-text visible", "src", []),
            Spec("ImageCarousel", new(7, 1), "images aspect-ratio scale-type visible", "images", []),
            Spec("Form", V21, "name init-values error-messages children visible", "name children", []),
            Input("TextInput", V21, "name label input-type required min-chars max-chars helper-text enabled visible", "name label",
                [("label-variant", v70), ("pattern", v62), ("init-value", v40), ("error-message", v40)],
                ("label", 20), ("helper-text", 80), ("error-message", 30)),
            Input("TextArea", V21, "name label required max-length helper-text enabled visible", "name label",
                [("label-variant", v70), ("init-value", v40), ("error-message", v40)],
                ("label", 20), ("helper-text", 80)),
            Input("RadioButtonsGroup", V21, "name label description data-source required enabled visible media-size on-select-action", "name data-source",
                [("init-value", v40), ("on-unselect-action", v60)], ("label", 30)),
            Input("CheckboxGroup", V21, "name label description data-source min-selected-items max-selected-items required enabled visible media-size on-select-action", "name data-source",
                [("init-value", v40), ("on-unselect-action", v60)], ("label", 30)),
            Input("ChipsSelector", new(6, 3), "name label description data-source min-selected-items max-selected-items required enabled visible init-value on-select-action on-unselect-action", "name label data-source",
                [], ("label", 80), ("description", 300)),
            Input("Dropdown", V21, "name label data-source required enabled visible on-select-action", "name label data-source",
                [("init-value", v40), ("on-unselect-action", v60)], ("label", 20)),
            Input("OptIn", V21, "name label required visible on-click-action", "name label",
                [("init-value", v40), ("on-select-action", v60), ("on-unselect-action", v60)], ("label", 120)),
            Input("DatePicker", V21, "name label min-date max-date unavailable-dates helper-text required enabled visible on-select-action", "name label",
                [("init-value", v40), ("error-message", v40)], ("label", 40), ("helper-text", 80), ("error-message", 80)),
            Input("CalendarPicker", new(6, 1), "name title description label helper-text required visible enabled mode min-date max-date unavailable-dates include-days min-days max-days init-value error-message on-select-action", "name label",
                [], ("title", 80), ("description", 300), ("label", 40), ("helper-text", 80), ("error-message", 80)),
            Spec("EmbeddedLink", V21, "text on-click-action visible", "text on-click-action", [], ("text", 25)),
            Spec("NavigationList", v62, "name list-items label description media-size on-click-action visible", "name list-items", []),
            Input("PhotoPicker", v40, "name label description photo-source max-file-size-kb min-uploaded-photos max-uploaded-photos enabled visible error-message", "name label", []),
            Input("DocumentPicker", v40, "name label description max-file-size-kb min-uploaded-documents max-uploaded-documents allowed-mime-types enabled visible error-message", "name label", []),
            Spec("Footer", V21, "label left-caption center-caption right-caption on-click-action enabled visible", "label on-click-action", [],
                ("label", 35), ("left-caption", 15), ("center-caption", 15), ("right-caption", 15)),
            Spec("If", v40, "condition then else", "condition then", []),
            Spec("Switch", v40, "value cases", "value cases", []),
        ];
        return specs.ToDictionary(s => s.Type, StringComparer.Ordinal);
    }

    private static ComponentSpec Input(string type, FlowVersion since, string properties, string required,
        (string, FlowVersion)[] later, params (string, int)[] maxChars) =>
        Spec(type, since, properties, required, later, maxChars) with { IsInput = true };

    private static ComponentSpec Spec(string type, FlowVersion since, string properties, string required,
        (string, FlowVersion)[] later, params (string, int)[] maxChars)
    {
        var all = properties.Split(' ').ToDictionary(p => p, _ => since, StringComparer.Ordinal);
        foreach (var (name, version) in later)
        {
            all[name] = version;
        }
        return new ComponentSpec(type, since, all, required.Split(' '),
            maxChars.ToDictionary(m => m.Item1, m => m.Item2, StringComparer.Ordinal), IsInput: false);
    }
}
