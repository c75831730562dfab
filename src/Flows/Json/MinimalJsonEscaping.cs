using System.Text.Encodings.Web;

namespace Backend.Flows.Json;

/// <summary>
/// A JSON encoder that escapes only what JSON requires, as JavaScript's <c>JSON.stringify</c> does: quotation mark,
/// backslash, control characters and lone surrogates. Everything else, emoji included, stays as readable UTF-8
/// (<see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> still escapes characters outside the BMP).
/// Meant for JSON that goes to Meta or to files, never for embedding in HTML.
/// </summary>
public sealed class MinimalJsonEscaping : JavaScriptEncoder
{
    /// <summary>The shared instance.</summary>
    public static MinimalJsonEscaping Instance { get; } = new();

    private MinimalJsonEscaping() { }

    /// <inheritdoc />
    public override int MaxOutputCharactersPerInputCharacter => 6;

    /// <inheritdoc />
    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' or (>= 0xD800 and <= 0xDFFF);

    /// <inheritdoc />
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
                continue;
            }
            if (WillEncode(c))
            {
                return i;
            }
        }
        return -1;
    }

    /// <inheritdoc />
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var output = new Span<char>(buffer, bufferLength);
        ReadOnlySpan<char> escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ => default,
        };
        if (escaped.IsEmpty && WillEncode(unicodeScalar))
        {
            if (output.Length < 6)
            {
                numberOfCharactersWritten = 0;
                return false;
            }
            "\\u".CopyTo(output);
            // JSON.stringify writes lowercase hex digits.
            ((ushort)unicodeScalar).TryFormat(output[2..], out _, "x4");
            numberOfCharactersWritten = 6;
            return true;
        }
        if (!escaped.IsEmpty)
        {
            if (!escaped.TryCopyTo(output))
            {
                numberOfCharactersWritten = 0;
                return false;
            }
            numberOfCharactersWritten = escaped.Length;
            return true;
        }
        // Not escaped: write the scalar itself.
        var rune = new System.Text.Rune(unicodeScalar);
        if (!rune.TryEncodeToUtf16(output, out numberOfCharactersWritten))
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        return true;
    }
}
