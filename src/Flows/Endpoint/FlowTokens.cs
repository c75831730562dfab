using System.Buffers.Text;
using System.Security.Cryptography;

namespace Backend.Flows.Endpoint;

/// <summary>New flow tokens, the same everywhere a token is made (the admin API, the CLI's <c>flows send</c>).</summary>
public static class FlowTokens
{
    /// <summary>Random bytes in a token: 256 bits cannot be guessed.</summary>
    public const int RandomBytes = 32;

    /// <summary>
    /// A fresh flow token: <see cref="RandomBytes"/> bytes from the OS generator, base64url without padding
    /// (43 characters), so it can travel in URLs and be a grain key's input as is.
    /// </summary>
    public static string Mint() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));
}
