using System.Net;

namespace Backend.Flows.Endpoint;

/// <summary>
/// Whether a data endpoint's URL is on this machine: an absolute http(s) URL without credentials whose host is
/// <c>localhost</c> or a loopback address (127.0.0.0/8, ::1). The local flow simulator posts to no other endpoint,
/// and <c>flows simulate</c> applies the same rule before it prints a link.
/// </summary>
public static class LoopbackEndpoint
{
    /// <summary>The rule, as a sentence for error messages.</summary>
    public const string Rule = "an http(s) URL on this machine (127.0.0.1, ::1, localhost)";

    /// <summary>Parses <paramref name="url"/> and says whether it is on this machine.</summary>
    public static bool TryParse(string? url, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https") || parsed.UserInfo.Length > 0)
        {
            return false;
        }
        var host = parsed.Host.Trim('[', ']');
        if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && !(IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)))
        {
            return false;
        }
        uri = parsed;
        return true;
    }
}
