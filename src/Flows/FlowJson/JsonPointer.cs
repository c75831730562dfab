using System.Text;

namespace Backend.Flows.FlowJson;

/// <summary>RFC 6901 JSON pointers, as findings report them (e.g. <c>/screens/1/layout/children/0</c>).</summary>
public static class JsonPointer
{
    /// <summary>Appends one reference token, escaping <c>~</c> and <c>/</c>.</summary>
    public static string Append(string pointer, string token) =>
        pointer + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>Appends an array index.</summary>
    public static string Append(string pointer, int index) => pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Converts System.Text.Json's <c>$.screens[0].layout</c> path to a pointer.</summary>
    public static string FromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }
        var pointer = new StringBuilder();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                pointer.Append(Append("", path[(i + 1)..end]));
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                end = end < 0 ? path.Length : end;
                var token = path[(i + 1)..end].Trim('\'');
                pointer.Append(Append("", token));
                i = end + 1;
            }
            else
            {
                i++;
            }
        }
        return pointer.ToString();
    }
}
