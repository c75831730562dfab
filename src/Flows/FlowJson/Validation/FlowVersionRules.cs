namespace Backend.Flows.FlowJson.Validation;

/// <summary>
/// A validation rule that Meta applies only to some Flow JSON versions: from <see cref="Since"/> (inclusive)
/// up to <see cref="Until"/> (inclusive); null means no bound on that side.
/// </summary>
/// <param name="Id">A stable name, e.g. <c>no-empty-strings</c> or <c>component:RichText</c>.</param>
/// <param name="Since">The first version the rule applies to, or null for every version up to <paramref name="Until"/>.</param>
/// <param name="Until">The last version the rule applies to, or null for every version from <paramref name="Since"/>.</param>
/// <param name="What">What the rule says, in one line.</param>
public sealed record VersionedRule(string Id, FlowVersion? Since, FlowVersion? Until, string What)
{
    /// <summary>Whether the rule holds for a flow of this version.</summary>
    public bool AppliesTo(FlowVersion version) => (Since is not { } since || version >= since) && (Until is not { } until || version <= until);
}

/// <summary>
/// Every version gate the validator applies, as data: the rules below, plus one rule per component
/// (<c>component:X</c>, from the version it appeared in) and per property introduced after its component
/// (<c>property:X.p</c>). Sources: the Components and Flow JSON pages and the changelog (https://developers.facebook.com/docs/whatsapp/flows/reference/components, https://developers.facebook.com/docs/whatsapp/flows/reference/flowjson, https://developers.facebook.com/docs/whatsapp/flows/changelogs).
/// docs/flow-json.md lists them.
/// </summary>
public static class FlowVersionRules
{
    private static readonly FlowVersion V21 = new(2, 1);
    private static readonly FlowVersion V31 = new(3, 1);
    private static readonly FlowVersion V40 = new(4, 0);
    private static readonly FlowVersion V51 = new(5, 1);
    private static readonly FlowVersion V60 = new(6, 0);
    private static readonly FlowVersion V62 = new(6, 2);
    private static readonly FlowVersion V63 = new(6, 3);

    /// <summary><c>data_channel_uri</c> is allowed only before 3.0 (then the endpoint is set through the API).</summary>
    public static VersionedRule DataChannelUri { get; } = new("data-channel-uri", null, V21,
        "data_channel_uri is allowed; from 3.0 it is refused (INVALID_PROPERTY_KEY) and the endpoint is set through the API");

    /// <summary>Before 4.0 every input sits inside a Form.</summary>
    public static VersionedRule InputsInsideForm { get; } = new("inputs-inside-form", null, V31,
        "every input component sits inside a Form (KEYWORD_ONE_OF)");

    /// <summary>From 4.0 the Form is optional, but a screen with a Form has no input outside it.</summary>
    public static VersionedRule NoInputBesideForm { get; } = new("no-input-beside-form", V40, null,
        "Form is optional; when a screen has one, no input sits outside it (COMPONENTS_OUTSIDE_FORM)");

    /// <summary>From 4.0 RadioButtonsGroup and CheckboxGroup need a label.</summary>
    public static VersionedRule SelectionLabelRequired { get; } = new("selection-label-required", V40, null,
        "RadioButtonsGroup and CheckboxGroup require 'label' (MISSING_REQUIRED_PROPERTY)");

    /// <summary>Global references <c>${screen.S.form|data.x}</c> exist from 4.0.</summary>
    public static VersionedRule GlobalReferences { get; } = new("global-references", V40, null,
        "${screen.S.form.x} and ${screen.S.data.x} are allowed (before: INVALID_PROPERTY_VALUE)");

    /// <summary>A screen's <c>sensitive</c> list exists from 5.1.</summary>
    public static VersionedRule Sensitive { get; } = new("screen-sensitive", V51, null,
        "a screen may list 'sensitive' fields (before: INVALID_PROPERTY_KEY)");

    /// <summary>TextBody and TextCaption take their text as an array of lines with <c>markdown: true</c>, from 5.1.</summary>
    public static VersionedRule MarkdownTextLines { get; } = new("markdown-text-lines", V51, null,
        "TextBody and TextCaption 'text' may be an array of lines when 'markdown' is true (otherwise INVALID_PROPERTY_TYPE)");

    /// <summary>Backtick expressions exist from 6.0.</summary>
    public static VersionedRule Expressions { get; } = new("expressions", V60, null,
        "nested expressions in backticks are allowed (before: INVALID_PROPERTY_VALUE)");

    /// <summary>The update_data and open_url actions exist from 6.0.</summary>
    public static VersionedRule UpdateDataAndOpenUrl { get; } = new("update-data-open-url", V60, null,
        "the update_data and open_url actions are allowed (before: INVALID_ENUM_VALUE)");

    /// <summary>From 6.0 no component string may be empty or blank; before, only the text of text components and EmbeddedLink.</summary>
    public static VersionedRule NoEmptyStrings { get; } = new("no-empty-strings", V60, null,
        "no component string may be empty (MIN_CHARS_REQUIRED) or blank (PATTERN_MISMATCH); before 6.0 this holds only for the text of TextHeading, TextSubheading, TextBody, TextCaption and EmbeddedLink");

    /// <summary>Before 6.3 RichText is alone on its screen.</summary>
    public static VersionedRule RichTextAlone { get; } = new("rich-text-alone", null, V62,
        "RichText is the only component on its screen (INVALID_PROPERTY_VALUE)");

    /// <summary>From 6.3 RichText may share its screen with a Footer (and nothing else).</summary>
    public static VersionedRule RichTextWithFooter { get; } = new("rich-text-with-footer", V63, null,
        "RichText shares its screen with a Footer at most (INVALID_PROPERTY_VALUE)");

    /// <summary>Meta publishes only 5.1 and later; older versions get a warning.</summary>
    public static VersionedRule Publishable { get; } = new("publishable", FlowVersion.OldestPublishable, null,
        "the version can be published; older ones get UNAVAILABLE_FLOW_JSON_VERSION (warning)");

    /// <summary>The rules above, then one per component and per later property, from the component table.</summary>
    public static IReadOnlyList<VersionedRule> All { get; } =
    [
        DataChannelUri, InputsInsideForm, NoInputBesideForm, SelectionLabelRequired, GlobalReferences, Sensitive,
        MarkdownTextLines, Expressions, UpdateDataAndOpenUrl, NoEmptyStrings, RichTextAlone, RichTextWithFooter, Publishable,
        .. ComponentCatalog.ByType.Values.Select(c => new VersionedRule($"component:{c.Type}", c.Since, null, $"{c.Type} is allowed (before: INVALID_PROPERTY_VALUE)")),
        .. ComponentCatalog.ByType.Values.SelectMany(c => c.Properties
            .Where(p => p.Value > c.Since)
            .OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new VersionedRule($"property:{c.Type}.{p.Key}", p.Value, null, $"{c.Type} may have '{p.Key}' (before: INVALID_PROPERTY_KEY)"))),
    ];
}
