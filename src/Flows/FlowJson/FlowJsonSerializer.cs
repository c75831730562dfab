using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Flows.FlowJson;

/// <summary>
/// Writes and reads Flow JSON exactly as Meta shows it: dashed component properties, snake_case
/// top-level and screen properties, no nulls, Meta's property order, readable UTF-8 text, and
/// inputs' initial values and error messages lifted into their Form.
/// </summary>
public static class FlowJsonSerializer
{
    /// <summary>The options used to write and read Flow JSON (2-space indentation, <c>\n</c> line ends).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(indented: true);

    private static readonly JsonSerializerOptions Compact = CreateOptions(indented: false);

    /// <summary>Writes the flow as Flow JSON text.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="indented">Two-space indentation (the default) or compact.</param>
    public static string Serialize(FlowJsonDocument flow, bool indented = true) =>
        Readable(JsonSerializer.Serialize(LiftFormValues(flow), indented ? Options : Compact));

    /// <summary>Writes the flow as compact UTF-8 Flow JSON (what the Graph API upload takes).</summary>
    public static byte[] SerializeToUtf8Bytes(FlowJsonDocument flow) => Encoding.UTF8.GetBytes(Serialize(flow, indented: false));

    // The relaxed encoder keeps accents, symbols and <>& as they are but still writes characters
    // outside the basic plane (emoji) as \uD83D\uDC4B pairs; put those back as text.
    private static string Readable(string json)
    {
        var next = json.IndexOf("\\uD", StringComparison.Ordinal);
        if (next < 0)
        {
            return json;
        }
        var text = new StringBuilder(json.Length);
        var copied = 0;
        for (; next >= 0; next = json.IndexOf("\\uD", next + 1, StringComparison.Ordinal))
        {
            if (next < copied || !IsEscapeStart(json, next) || next + 12 > json.Length || json[next + 6] != '\\' || json[next + 7] != 'u'
                || !ushort.TryParse(json.AsSpan(next + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
                || !ushort.TryParse(json.AsSpan(next + 8, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)
                || !char.IsSurrogatePair((char)high, (char)low))
            {
                continue;
            }
            text.Append(json, copied, next - copied).Append((char)high).Append((char)low);
            copied = next + 12;
        }
        return text.Append(json, copied, json.Length - copied).ToString();
    }

    // A backslash starts an escape when an even number of backslashes precede it.
    private static bool IsEscapeStart(string json, int index)
    {
        var backslashes = 0;
        while (index - backslashes - 1 >= 0 && json[index - backslashes - 1] == '\\')
        {
            backslashes++;
        }
        return backslashes % 2 == 0;
    }

    /// <summary>Reads Flow JSON into the model. Unknown properties are kept in <c>UnknownProperties</c>.</summary>
    /// <exception cref="FlowJsonFormatException">The text is not JSON, or does not fit the model (e.g. an unknown component type).</exception>
    public static FlowJsonDocument Parse(string json) => Read(() => JsonSerializer.Deserialize<FlowJsonDocument>(json, Options));

    /// <summary>Reads an already parsed Flow JSON document into the model.</summary>
    /// <exception cref="FlowJsonFormatException">The document does not fit the model.</exception>
    public static FlowJsonDocument Parse(JsonElement json) => Read(() => json.Deserialize<FlowJsonDocument>(Options));

    private static FlowJsonDocument Read(Func<FlowJsonDocument?> deserialize)
    {
        try
        {
            return deserialize() ?? throw new FlowJsonFormatException("The Flow JSON is null.", "");
        }
        catch (JsonException e)
        {
            throw new FlowJsonFormatException(e.Message, JsonPointer.FromJsonPath(e.Path), e);
        }
        catch (NotSupportedException e)
        {
            // System.Text.Json reports some shapes (e.g. a component object without "type") this way; the path is in the message.
            var path = e.Message.IndexOf(" Path: ", StringComparison.Ordinal) is var at and >= 0 ? e.Message[(at + 7)..].Split(' ', 2)[0] : null;
            throw new FlowJsonFormatException(e.Message, JsonPointer.FromJsonPath(path), e);
        }
    }

    internal static JsonElement ToElement(object value) => JsonSerializer.SerializeToElement(value, Compact);

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            AllowOutOfOrderMetadataProperties = true,
            WriteIndented = indented,
            IndentSize = 2,
            NewLine = "\n",
        };
        options.Converters.Add(new FlowRefJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    // Meta wants an input's init-value / error-message on its Form (always before 4.0, and for
    // inputs inside a Form after it), so the builder lets you set them on the input, as PyWa does,
    // and they move here on the way out. Instances without such values are reused untouched.
    private static FlowJsonDocument LiftFormValues(FlowJsonDocument flow)
    {
        List<Screen>? screens = null;
        for (var i = 0; i < flow.Screens.Count; i++)
        {
            var screen = flow.Screens[i];
            var children = LiftAll(screen.Layout.Children, null, null);
            if (!ReferenceEquals(children, screen.Layout.Children))
            {
                screens ??= [.. flow.Screens];
                screens[i] = screen with { Layout = screen.Layout with { Children = children } };
            }
        }
        return screens is null ? flow : flow with { Screens = screens };
    }

    private static IReadOnlyList<Component> LiftAll(
        IReadOnlyList<Component> components, Dictionary<string, object?>? initValues, Dictionary<string, object?>? errors)
    {
        List<Component>? changed = null;
        for (var i = 0; i < components.Count; i++)
        {
            var lifted = Lift(components[i], initValues, errors);
            if (!ReferenceEquals(lifted, components[i]))
            {
                changed ??= [.. components];
                changed[i] = lifted;
            }
        }
        return changed ?? components;
    }

    private static Component Lift(Component component, Dictionary<string, object?>? initValues, Dictionary<string, object?>? errors)
    {
        switch (component)
        {
            case Form form:
                // A Form whose init-values (or error-messages) is a binding cannot take lifted values:
                // those stay on the inputs, where the validator reports them.
                var formInit = form.InitValues is { Binding: not null } ? null : new Dictionary<string, object?>(form.InitValues?.Literal ?? []);
                var formErrors = form.ErrorMessages is { Binding: not null } ? null : new Dictionary<string, object?>(form.ErrorMessages?.Literal ?? []);
                var children = LiftAll(form.Children, formInit, formErrors);
                return ReferenceEquals(children, form.Children) ? form : form with
                {
                    InitValues = formInit is { Count: > 0 } ? formInit : form.InitValues,
                    ErrorMessages = formErrors is { Count: > 0 } ? formErrors : form.ErrorMessages,
                    Children = children,
                };
            case InputComponent input:
                var liftInit = initValues is not null && input.FormInitValue is not null;
                var liftError = errors is not null && input.FormErrorMessage is not null;
                if (!liftInit && !liftError)
                {
                    return input;
                }
                if (liftInit)
                {
                    initValues![input.Name] = input.FormInitValue;
                }
                if (liftError)
                {
                    errors![input.Name] = input.FormErrorMessage;
                }
                return input.WithoutFormValues(liftInit, liftError);
            case If conditional:
                var then = LiftAll(conditional.Then, initValues, errors);
                var otherwise = conditional.Else is null ? null : LiftAll(conditional.Else, initValues, errors);
                return ReferenceEquals(then, conditional.Then) && ReferenceEquals(otherwise, conditional.Else)
                    ? conditional
                    : conditional with { Then = then, Else = otherwise };
            case Switch choice:
                var cases = choice.Cases.ToDictionary(c => c.Key, c => LiftAll(c.Value, initValues, errors));
                return cases.All(c => ReferenceEquals(c.Value, choice.Cases[c.Key])) ? choice : choice with { Cases = cases };
            default:
                return component;
        }
    }
}

/// <summary>Flow JSON that could not be read into the model.</summary>
/// <param name="message">What went wrong.</param>
/// <param name="pointer">Where (RFC 6901), when known.</param>
/// <param name="inner">The underlying error.</param>
public sealed class FlowJsonFormatException(string message, string pointer, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The JSON pointer of the offending element ("" for the document).</summary>
    public string Pointer { get; } = pointer;
}
