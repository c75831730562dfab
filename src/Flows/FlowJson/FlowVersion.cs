using System.Globalization;

namespace Backend.Flows.FlowJson;

/// <summary>A Flow JSON or data API version such as <c>7.3</c>, comparable by major then minor.</summary>
/// <param name="Major">The major number.</param>
/// <param name="Minor">The minor number.</param>
public readonly record struct FlowVersion(int Major, int Minor) : IComparable<FlowVersion>
{
    /// <summary>Every Flow JSON version this library knows, oldest first.</summary>
    public static IReadOnlyList<FlowVersion> Known { get; } =
    [
        new(2, 1), new(3, 0), new(3, 1), new(4, 0), new(5, 0), new(5, 1),
        new(6, 0), new(6, 1), new(6, 2), new(6, 3), new(7, 0), new(7, 1), new(7, 2), new(7, 3),
    ];

    /// <summary>The newest Flow JSON version (the one Meta recommends).</summary>
    public static FlowVersion Latest => new(7, 3);

    /// <summary>The oldest version Meta still lets you publish (AWS's 2026 summary: 5.1, 6.x, 7.x).</summary>
    public static FlowVersion OldestPublishable => new(5, 1);

    /// <summary>Parses <c>"{major}.{minor}"</c>; returns false for anything else.</summary>
    public static bool TryParse(string? text, out FlowVersion version)
    {
        version = default;
        if (text is null)
        {
            return false;
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1
            || !int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }
        version = new FlowVersion(major, minor);
        return true;
    }

    /// <summary>Parses <c>"{major}.{minor}"</c> or throws <see cref="FormatException"/>.</summary>
    public static FlowVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a version of the form major.minor.");

    /// <inheritdoc />
    public int CompareTo(FlowVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <summary>Version order.</summary>
    public static bool operator <(FlowVersion left, FlowVersion right) => left.CompareTo(right) < 0;

    /// <summary>Version order.</summary>
    public static bool operator >(FlowVersion left, FlowVersion right) => left.CompareTo(right) > 0;

    /// <summary>Version order.</summary>
    public static bool operator <=(FlowVersion left, FlowVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Version order.</summary>
    public static bool operator >=(FlowVersion left, FlowVersion right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
