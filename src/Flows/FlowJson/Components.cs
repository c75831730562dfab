using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// A layout component. Written with its <c>type</c> first, then its properties in Meta's order,
/// dashed names and no nulls. Every component may carry <see cref="Visible"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextHeading), "TextHeading")]
[JsonDerivedType(typeof(TextSubheading), "TextSubheading")]
[JsonDerivedType(typeof(TextBody), "TextBody")]
[JsonDerivedType(typeof(TextCaption), "TextCaption")]
[JsonDerivedType(typeof(RichText), "RichText")]
[JsonDerivedType(typeof(Image), "Image")]
[JsonDerivedType(typeof(ImageCarousel), "ImageCarousel")]
[JsonDerivedType(typeof(Form), "Form")]
[JsonDerivedType(typeof(TextInput), "TextInput")]
[JsonDerivedType(typeof(TextArea), "TextArea")]
[JsonDerivedType(typeof(RadioButtonsGroup), "RadioButtonsGroup")]
[JsonDerivedType(typeof(CheckboxGroup), "CheckboxGroup")]
[JsonDerivedType(typeof(ChipsSelector), "ChipsSelector")]
[JsonDerivedType(typeof(Dropdown), "Dropdown")]
[JsonDerivedType(typeof(OptIn), "OptIn")]
[JsonDerivedType(typeof(DatePicker), "DatePicker")]
[JsonDerivedType(typeof(CalendarPicker), "CalendarPicker")]
[JsonDerivedType(typeof(EmbeddedLink), "EmbeddedLink")]
[JsonDerivedType(typeof(NavigationList), "NavigationList")]
[JsonDerivedType(typeof(PhotoPicker), "PhotoPicker")]
[JsonDerivedType(typeof(DocumentPicker), "DocumentPicker")]
[JsonDerivedType(typeof(Footer), "Footer")]
[JsonDerivedType(typeof(If), "If")]
[JsonDerivedType(typeof(Switch), "Switch")]
public abstract record Component : FlowJsonObject
{
    /// <summary>Whether the component is shown (a literal, a reference or a 6.0+ condition).</summary>
    [JsonPropertyOrder(10)]
    public FlowValue<bool>? Visible { get; init; }

}

/// <summary>A component that collects a value under <see cref="Name"/>; <see cref="Ref"/> is <c>${form.name}</c>.</summary>
public abstract record InputComponent : Component
{
    /// <summary>The field name: the key of its value in <c>${form.…}</c> and in responses.</summary>
    [JsonPropertyOrder(-1)]
    public required string Name { get; init; }

    /// <summary><c>${form.name}</c>.</summary>
    [JsonIgnore]
    public FormRef Ref => new(Name);

    /// <summary><c>${screen.S.form.name}</c>, read from another screen (4.0+).</summary>
    public FormRef RefOn(string screenId) => new(Name, screenId);

    /// <summary>The initial value, lifted into the enclosing Form's <c>init-values</c> when written.</summary>
    internal virtual object? FormInitValue => null;

    /// <summary>The error message, lifted into the enclosing Form's <c>error-messages</c> when written.</summary>
    internal virtual object? FormErrorMessage => null;

    /// <summary>This component without the initial value and/or error message its Form now carries.</summary>
    internal virtual InputComponent WithoutFormValues(bool initValue, bool errorMessage) => this;
}

/// <summary>
/// An input with an initial value and an error message, which an enclosing Form carries in its
/// <c>init-values</c> and <c>error-messages</c> (outside a Form, from 4.0, they are the component's own
/// <c>init-value</c> and <c>error-message</c>).
/// </summary>
/// <typeparam name="TValue">The type of both: text, or an object for the calendar's ranges.</typeparam>
public abstract record FormFieldComponent<TValue> : InputComponent
    where TValue : class
{
    /// <summary>The initial value (inside a Form, written to the Form's <c>init-values</c>).</summary>
    public TValue? InitValue { get; init; }

    /// <summary>An error to show (inside a Form, written to the Form's <c>error-messages</c>).</summary>
    public TValue? ErrorMessage { get; init; }

    internal override object? FormInitValue => InitValue;

    internal override object? FormErrorMessage => ErrorMessage;

    internal override InputComponent WithoutFormValues(bool initValue, bool errorMessage) =>
        this with { InitValue = initValue ? null : InitValue, ErrorMessage = errorMessage ? null : ErrorMessage };
}

/// <summary>Font weight of TextBody and TextCaption.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FontWeight>))]
public enum FontWeight
{
    /// <summary><c>bold</c></summary>
    [JsonStringEnumMemberName("bold")] Bold,
    /// <summary><c>italic</c></summary>
    [JsonStringEnumMemberName("italic")] Italic,
    /// <summary><c>bold_italic</c></summary>
    [JsonStringEnumMemberName("bold_italic")] BoldItalic,
    /// <summary><c>normal</c></summary>
    [JsonStringEnumMemberName("normal")] Normal,
}

/// <summary>The keyboard and validation of a TextInput.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InputType>))]
public enum InputType
{
    /// <summary><c>text</c></summary>
    [JsonStringEnumMemberName("text")] Text,
    /// <summary><c>number</c></summary>
    [JsonStringEnumMemberName("number")] Number,
    /// <summary><c>email</c></summary>
    [JsonStringEnumMemberName("email")] Email,
    /// <summary><c>password</c></summary>
    [JsonStringEnumMemberName("password")] Password,
    /// <summary><c>passcode</c></summary>
    [JsonStringEnumMemberName("passcode")] Passcode,
    /// <summary><c>phone</c></summary>
    [JsonStringEnumMemberName("phone")] Phone,
}

/// <summary>A heading (80 characters).</summary>
/// <param name="Text">The text, or a binding.</param>
public sealed record TextHeading(string Text) : Component;

/// <summary>A subheading (80 characters).</summary>
/// <param name="Text">The text, or a binding.</param>
public sealed record TextSubheading(string Text) : Component;

/// <summary>Body text (4096 characters); <see cref="Markdown"/> from 5.1, and with it the text as an array of lines.</summary>
/// <param name="Text">The text, a binding, or (with <see cref="Markdown"/>) lines of markdown.</param>
public sealed record TextBody(FlowText Text) : Component
{
    /// <summary>The font weight.</summary>
    public FlowValue<FontWeight>? FontWeight { get; init; }

    /// <summary>Whether the text is struck through.</summary>
    public FlowValue<bool>? Strikethrough { get; init; }

    /// <summary>Whether the text is markdown (5.1+).</summary>
    public bool? Markdown { get; init; }
}

/// <summary>A caption (4096 characters; Meta's page prints 409); <see cref="Markdown"/> from 5.1, and with it the text as an array of lines.</summary>
/// <param name="Text">The text, a binding, or (with <see cref="Markdown"/>) lines of markdown.</param>
public sealed record TextCaption(FlowText Text) : Component
{
    /// <summary>The font weight.</summary>
    public FlowValue<FontWeight>? FontWeight { get; init; }

    /// <summary>Whether the text is struck through.</summary>
    public FlowValue<bool>? Strikethrough { get; init; }

    /// <summary>Whether the text is markdown (5.1+).</summary>
    public bool? Markdown { get; init; }
}

/// <summary>Markdown text (5.1+), alone on its screen (with a Footer from 6.3). Lines as an array, or a binding.</summary>
/// <param name="Text">The markdown as lines or one string, or a binding.</param>
public sealed record RichText(FlowText Text) : Component;

/// <summary>An image: base64 JPEG or PNG (at most 3 per screen).</summary>
public sealed record Image : Component
{
    /// <summary>The base64 image, or a binding.</summary>
    public required string Src { get; init; }

    /// <summary>The width.</summary>
    public FlowValue<int>? Width { get; init; }

    /// <summary>The height.</summary>
    public FlowValue<int>? Height { get; init; }

    /// <summary><c>cover</c> or <c>contain</c>.</summary>
    public string? ScaleType { get; init; }

    /// <summary>The aspect ratio.</summary>
    public FlowValue<double>? AspectRatio { get; init; }

    /// <summary>Accessibility text.</summary>
    public string? AltText { get; init; }
}

/// <summary>One image of an <see cref="ImageCarousel"/>.</summary>
/// <param name="Src">The base64 image.</param>
/// <param name="AltText">Accessibility text.</param>
public sealed record CarouselImage(string Src, string AltText) : FlowJsonObject;

/// <summary>1 to 3 sliding images (7.1+; at most 2 per screen and 3 per flow).</summary>
public sealed record ImageCarousel : Component
{
    /// <summary>The images, or a binding.</summary>
    public required FlowValue<CarouselImage[]> Images { get; init; }

    /// <summary><c>4:3</c> or <c>16:9</c>.</summary>
    public string? AspectRatio { get; init; }

    /// <summary><c>cover</c> or <c>contain</c>.</summary>
    public string? ScaleType { get; init; }
}

/// <summary>
/// A form around input components (required before 4.0, optional after). Inputs' <c>InitValue</c>
/// and <c>ErrorMessage</c> are written here as <c>init-values</c> and <c>error-messages</c>, as Meta requires.
/// </summary>
public sealed record Form : Component
{
    /// <summary>The form name.</summary>
    public required string Name { get; init; }

    /// <summary>Initial values by field name, or a binding to an object of them.</summary>
    public FlowValue<Dictionary<string, object?>>? InitValues { get; init; }

    /// <summary>Error messages by field name, or a binding to an object of them.</summary>
    public FlowValue<Dictionary<string, object?>>? ErrorMessages { get; init; }

    /// <summary>The components of the form.</summary>
    public required IReadOnlyList<Component> Children { get; init; }
}

/// <summary>A one-line text field (label 20, helper 80, error 30 characters).</summary>
public sealed record TextInput : FormFieldComponent<string>
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary><c>large</c> for a large label (7.0+).</summary>
    public string? LabelVariant { get; init; }

    /// <summary>The keyboard and validation.</summary>
    public FlowValue<InputType>? InputType { get; init; }

    /// <summary>A regular expression the value must match (6.2+, requires <see cref="HelperText"/>).</summary>
    public string? Pattern { get; init; }

    /// <summary>Whether a value is required.</summary>
    public FlowValue<bool>? Required { get; init; }

    /// <summary>The minimum length.</summary>
    public FlowValue<int>? MinChars { get; init; }

    /// <summary>The maximum length (default 80).</summary>
    public FlowValue<int>? MaxChars { get; init; }

    /// <summary>Help below the field.</summary>
    public string? HelperText { get; init; }

    /// <summary>Whether the field can be edited.</summary>
    public FlowValue<bool>? Enabled { get; init; }
}

/// <summary>A multi-line text field (label 20, helper 80 characters).</summary>
public sealed record TextArea : FormFieldComponent<string>
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary><c>large</c> for a large label (7.0+).</summary>
    public string? LabelVariant { get; init; }

    /// <summary>Whether a value is required.</summary>
    public FlowValue<bool>? Required { get; init; }

    /// <summary>The maximum length (default 600).</summary>
    public FlowValue<int>? MaxLength { get; init; }

    /// <summary>Help below the field.</summary>
    public string? HelperText { get; init; }

    /// <summary>Whether the field can be edited.</summary>
    public FlowValue<bool>? Enabled { get; init; }
}

/// <summary>An option of a selection component (title 30, description 300, metadata 20 characters).</summary>
/// <param name="Id">The value sent when selected.</param>
/// <param name="Title">The text shown.</param>
public sealed record DataSourceItem(string Id, string Title) : FlowJsonObject
{
    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Extra text.</summary>
    public string? Metadata { get; init; }

    /// <summary>Whether the option can be chosen.</summary>
    public bool? Enabled { get; init; }

    /// <summary>A base64 image.</summary>
    public string? Image { get; init; }

    /// <summary>Accessibility text for the image.</summary>
    public string? AltText { get; init; }

    /// <summary>A colour (ChipsSelector).</summary>
    public string? Color { get; init; }

    /// <summary>Action when this option is selected (6.0+).</summary>
    public FlowAction? OnSelectAction { get; init; }

    /// <summary>Action when this option is unselected (6.0+).</summary>
    public FlowAction? OnUnselectAction { get; init; }
}

/// <summary>
/// What RadioButtonsGroup, CheckboxGroup, ChipsSelector and Dropdown share: options and their
/// actions. Written after the component's own properties.
/// </summary>
public abstract record SelectionComponent : InputComponent
{
    /// <summary>The options, or a binding to an array of them.</summary>
    [JsonPropertyOrder(1)]
    public required FlowValue<DataSourceItem[]> DataSource { get; init; }

    /// <summary>Whether a choice is required.</summary>
    [JsonPropertyOrder(2)]
    public FlowValue<bool>? Required { get; init; }

    /// <summary>Whether it can be edited.</summary>
    [JsonPropertyOrder(3)]
    public FlowValue<bool>? Enabled { get; init; }

    /// <summary>data_exchange or update_data when an option is selected.</summary>
    [JsonPropertyOrder(4)]
    public FlowAction? OnSelectAction { get; init; }

    /// <summary>update_data when an option is unselected (6.0+).</summary>
    [JsonPropertyOrder(5)]
    public FlowAction? OnUnselectAction { get; init; }
}

/// <summary>Single choice among 1 to 20 options (label 30 characters).</summary>
public sealed record RadioButtonsGroup : SelectionComponent
{
    /// <summary>The label (required from 4.0).</summary>
    public string? Label { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The id selected initially.</summary>
    public string? InitValue { get; init; }

    /// <summary><c>regular</c> or <c>large</c> images.</summary>
    public string? MediaSize { get; init; }

    internal override object? FormInitValue => InitValue;
    internal override InputComponent WithoutFormValues(bool initValue, bool errorMessage) => initValue ? this with { InitValue = null } : this;
}

/// <summary>Multiple choice among 1 to 20 options (label 30 characters).</summary>
public sealed record CheckboxGroup : SelectionComponent
{
    /// <summary>The label (required from 4.0).</summary>
    public string? Label { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>At least this many.</summary>
    public FlowValue<int>? MinSelectedItems { get; init; }

    /// <summary>At most this many.</summary>
    public FlowValue<int>? MaxSelectedItems { get; init; }

    /// <summary>The ids selected initially, or a binding.</summary>
    public FlowValue<string[]>? InitValue { get; init; }

    /// <summary><c>regular</c> or <c>large</c> images.</summary>
    public string? MediaSize { get; init; }

    internal override object? FormInitValue => InitValue;
    internal override InputComponent WithoutFormValues(bool initValue, bool errorMessage) => initValue ? this with { InitValue = null } : this;
}

/// <summary>Chips, 2 to 20 options (6.3+; label 80 characters).</summary>
public sealed record ChipsSelector : SelectionComponent
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>At least this many.</summary>
    public FlowValue<int>? MinSelectedItems { get; init; }

    /// <summary>At most this many.</summary>
    public FlowValue<int>? MaxSelectedItems { get; init; }

    /// <summary>The ids selected initially, or a binding.</summary>
    public FlowValue<string[]>? InitValue { get; init; }

    internal override object? FormInitValue => InitValue;
    internal override InputComponent WithoutFormValues(bool initValue, bool errorMessage) => initValue ? this with { InitValue = null } : this;
}

/// <summary>A drop-down of 1 to 200 options (100 with images; label 20 characters).</summary>
public sealed record Dropdown : SelectionComponent
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary>The id selected initially.</summary>
    public string? InitValue { get; init; }

    internal override object? FormInitValue => InitValue;
    internal override InputComponent WithoutFormValues(bool initValue, bool errorMessage) => initValue ? this with { InitValue = null } : this;
}

/// <summary>A check box with a label of 120 characters and an optional "read more" action.</summary>
public sealed record OptIn : InputComponent
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary>Whether it must be ticked.</summary>
    public FlowValue<bool>? Required { get; init; }

    /// <summary>Whether it is ticked initially.</summary>
    public FlowValue<bool>? InitValue { get; init; }

    /// <summary>The "read more" action: data_exchange, navigate or open_url.</summary>
    public FlowAction? OnClickAction { get; init; }

    /// <summary>update_data when ticked (6.0+).</summary>
    public FlowAction? OnSelectAction { get; init; }

    /// <summary>update_data when unticked (6.0+).</summary>
    public FlowAction? OnUnselectAction { get; init; }

    internal override object? FormInitValue => InitValue;
    internal override InputComponent WithoutFormValues(bool initValue, bool errorMessage) => initValue ? this with { InitValue = null } : this;
}

/// <summary>A date field (label 40, helper 80, error 80 characters); dates are <c>YYYY-MM-DD</c> from 5.0.</summary>
public sealed record DatePicker : FormFieldComponent<string>
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary>The earliest date, or a binding (a date the endpoint serves, such as today's).</summary>
    public FlowValue<string>? MinDate { get; init; }

    /// <summary>The latest date, or a binding.</summary>
    public FlowValue<string>? MaxDate { get; init; }

    /// <summary>Dates that cannot be chosen, or a binding.</summary>
    public FlowValue<string[]>? UnavailableDates { get; init; }

    /// <summary>Help below the field.</summary>
    public string? HelperText { get; init; }

    /// <summary>Whether a date is required.</summary>
    public FlowValue<bool>? Required { get; init; }

    /// <summary>Whether it can be edited.</summary>
    public FlowValue<bool>? Enabled { get; init; }

    /// <summary>data_exchange when a date is chosen.</summary>
    public FlowAction? OnSelectAction { get; init; }
}

/// <summary>
/// A full calendar, single date or range (6.1+). Its <see cref="FormFieldComponent{TValue}.InitValue"/> is a date, or
/// <c>{"start-date","end-date"}</c> for a range.
/// </summary>
public sealed record CalendarPicker : FormFieldComponent<object>
{
    /// <summary>The title (80 characters).</summary>
    public string? Title { get; init; }

    /// <summary>A description (300 characters).</summary>
    public string? Description { get; init; }

    /// <summary>The label (40 characters), or start/end labels for a range.</summary>
    public required object Label { get; init; }

    /// <summary>Help below the field.</summary>
    public object? HelperText { get; init; }

    /// <summary>Whether a date is required.</summary>
    public object? Required { get; init; }

    /// <summary>Whether it can be edited.</summary>
    public FlowValue<bool>? Enabled { get; init; }

    /// <summary><c>single</c> or <c>range</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>The earliest date, or a binding (a date the endpoint serves, such as today's).</summary>
    public FlowValue<string>? MinDate { get; init; }

    /// <summary>The latest date, or a binding.</summary>
    public FlowValue<string>? MaxDate { get; init; }

    /// <summary>Dates that cannot be chosen, or a binding.</summary>
    public FlowValue<string[]>? UnavailableDates { get; init; }

    /// <summary>Week days that can be chosen.</summary>
    public FlowValue<string[]>? IncludeDays { get; init; }

    /// <summary>The shortest range.</summary>
    public FlowValue<int>? MinDays { get; init; }

    /// <summary>The longest range.</summary>
    public FlowValue<int>? MaxDays { get; init; }

    /// <summary>data_exchange when a date is chosen.</summary>
    public FlowAction? OnSelectAction { get; init; }
}

/// <summary>A link (25 characters, at most 2 per screen): navigate, data_exchange or, from 6.0, open_url.</summary>
/// <param name="Text">The link text.</param>
/// <param name="OnClickAction">What the link does.</param>
public sealed record EmbeddedLink(string Text, FlowAction OnClickAction) : Component;

/// <summary>The main content of a <see cref="NavigationItem"/>.</summary>
/// <param name="Title">Title (30 characters).</param>
public sealed record NavigationItemContent(string Title) : FlowJsonObject
{
    /// <summary>Description (20 characters).</summary>
    public string? Description { get; init; }

    /// <summary>Metadata (80 characters).</summary>
    public string? Metadata { get; init; }
}

/// <summary>One row of a <see cref="NavigationList"/>.</summary>
/// <param name="Id">The item id.</param>
/// <param name="MainContent">Its text.</param>
public sealed record NavigationItem(string Id, NavigationItemContent MainContent) : FlowJsonObject
{
    /// <summary>The leading image add-on.</summary>
    public JsonElement? Start { get; init; }

    /// <summary>The trailing add-on (title 10 characters).</summary>
    public JsonElement? End { get; init; }

    /// <summary>A badge (15 characters; one item at most).</summary>
    public string? Badge { get; init; }

    /// <summary>Up to 3 tags of 15 characters.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>navigate or data_exchange, when the list itself has none.</summary>
    public FlowAction? OnClickAction { get; init; }
}

/// <summary>A list of 1 to 20 items that lead elsewhere (6.2+; alone on a non-terminal screen).</summary>
public sealed record NavigationList : InputComponent
{
    /// <summary>The items, or a binding.</summary>
    public required FlowValue<NavigationItem[]> ListItems { get; init; }

    /// <summary>A label.</summary>
    public string? Label { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary><c>regular</c> or <c>large</c>.</summary>
    public string? MediaSize { get; init; }

    /// <summary>navigate or data_exchange for every item (or put it on the items, never both).</summary>
    public FlowAction? OnClickAction { get; init; }
}

/// <summary>Upload photos (4.0+).</summary>
public sealed record PhotoPicker : InputComponent
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary><c>camera_gallery</c>, <c>camera</c> or <c>gallery</c>.</summary>
    public string? PhotoSource { get; init; }

    /// <summary>Maximum file size.</summary>
    public FlowValue<int>? MaxFileSizeKb { get; init; }

    /// <summary>Minimum number of photos.</summary>
    public FlowValue<int>? MinUploadedPhotos { get; init; }

    /// <summary>Maximum number of photos (default 30; at most 1 when sent with complete).</summary>
    public FlowValue<int>? MaxUploadedPhotos { get; init; }

    /// <summary>Whether it can be used.</summary>
    public FlowValue<bool>? Enabled { get; init; }

    /// <summary>An error to show.</summary>
    public object? ErrorMessage { get; init; }
}

/// <summary>Upload documents (4.0+).</summary>
public sealed record DocumentPicker : InputComponent
{
    /// <summary>The label.</summary>
    public required string Label { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Maximum file size.</summary>
    public FlowValue<int>? MaxFileSizeKb { get; init; }

    /// <summary>Minimum number of documents.</summary>
    public FlowValue<int>? MinUploadedDocuments { get; init; }

    /// <summary>Maximum number of documents (default 30; at most 1 when sent with complete).</summary>
    public FlowValue<int>? MaxUploadedDocuments { get; init; }

    /// <summary>Accepted MIME types.</summary>
    public FlowValue<string[]>? AllowedMimeTypes { get; init; }

    /// <summary>Whether it can be used.</summary>
    public FlowValue<bool>? Enabled { get; init; }

    /// <summary>An error to show.</summary>
    public object? ErrorMessage { get; init; }
}

/// <summary>The screen's button (label 35, captions 15 characters; one per screen; required on terminal screens).</summary>
public sealed record Footer : Component
{
    /// <summary>The button text.</summary>
    public required string Label { get; init; }

    /// <summary>Caption on the left (with <see cref="RightCaption"/>).</summary>
    public string? LeftCaption { get; init; }

    /// <summary>Caption in the centre (alone).</summary>
    public string? CenterCaption { get; init; }

    /// <summary>Caption on the right (with <see cref="LeftCaption"/>).</summary>
    public string? RightCaption { get; init; }

    /// <summary>navigate, data_exchange or complete.</summary>
    public required FlowAction OnClickAction { get; init; }

    /// <summary>Whether the button can be pressed.</summary>
    public FlowValue<bool>? Enabled { get; init; }
}

/// <summary>Components shown only when <see cref="Condition"/> holds (4.0+; nests 3 deep).</summary>
public sealed record If : Component
{
    /// <summary>The condition, e.g. <c>age.Ref &gt;= 18</c> or a string.</summary>
    public required string Condition { get; init; }

    /// <summary>Shown when the condition holds (not empty).</summary>
    public required IReadOnlyList<Component> Then { get; init; }

    /// <summary>Shown otherwise (required when <see cref="Then"/> has a Footer).</summary>
    public IReadOnlyList<Component>? Else { get; init; }
}

/// <summary>Components chosen by the value of a binding (4.0+).</summary>
public sealed record Switch : Component
{
    /// <summary>The binding whose value picks the case.</summary>
    public required string Value { get; init; }

    /// <summary>Components by case value (not empty).</summary>
    public required Dictionary<string, IReadOnlyList<Component>> Cases { get; init; }
}
