using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backend.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace Backend.Grains.Storage;

/// <summary>
/// Seals personal data at rest (an account's email and names, the values a session collected from decrypted
/// requests) with AES-256-GCM under <c>Accounts:DataKey</c>, bound to the grain it belongs to (the grain's key is
/// the associated data, so a sealed value moved to another row does not open). Values sealed under a key listed in
/// <c>Accounts:PreviousDataKeys</c> still open, so the key can be rotated. Without a key nothing can be sealed, and
/// the grains keep such data only in memory (accounts: a masked email).
/// </summary>
public sealed class PersonalDataProtector
{
    private const string Version = "v1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[]? _current;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public PersonalDataProtector(IOptions<AccountOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (!string.IsNullOrEmpty(settings.DataKey))
        {
            _current = Parse(settings.DataKey, "Accounts:DataKey");
            _keys[KeyId(_current)] = _current;
        }
        foreach (var previous in settings.PreviousDataKeys.Where(k => k.Length > 0))
        {
            var key = Parse(previous, "Accounts:PreviousDataKeys");
            _keys.TryAdd(KeyId(key), key);
        }
    }

    /// <summary>Whether a data key is configured.</summary>
    public bool CanSeal => _current is not null;

    /// <summary>Whether <paramref name="base64"/> is a usable key: 32 bytes, standard base64.</summary>
    public static bool IsValidKey(string? base64)
    {
        var buffer = new byte[64];
        return base64 is not null && Convert.TryFromBase64String(base64, buffer, out var written) && written == 32;
    }

    /// <summary>Seals <paramref name="value"/> (serialized as JSON) for the grain <paramref name="grainKey"/>; null without a key.</summary>
    public string? Seal<T>(T value, string grainKey)
    {
        if (_current is null)
        {
            return null;
        }
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(value);
        var sealedBytes = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_current, TagBytes))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes, plaintext.Length), sealedBytes.AsSpan(NonceBytes + plaintext.Length), Encoding.UTF8.GetBytes(grainKey));
        }
        CryptographicOperations.ZeroMemory(plaintext);
        return $"{Version}:{KeyId(_current)}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>Opens what <see cref="Seal"/> wrote for <paramref name="grainKey"/>; default when no configured key opens it.</summary>
    public T? Open<T>(string? sealedValue, string grainKey)
    {
        var parts = sealedValue?.Split(':');
        if (parts is not [Version, var keyId, var payload] || !_keys.TryGetValue(keyId, out var key))
        {
            return default;
        }
        try
        {
            var sealedBytes = Convert.FromBase64String(payload);
            var plaintext = new byte[sealedBytes.Length - NonceBytes - TagBytes];
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, plaintext.Length), sealedBytes.AsSpan(NonceBytes + plaintext.Length),
                plaintext, Encoding.UTF8.GetBytes(grainKey));
            return JsonSerializer.Deserialize<T>(plaintext);
        }
        catch (Exception ex) when (ex is FormatException or AuthenticationTagMismatchException or ArgumentException or OverflowException or JsonException)
        {
            return default;
        }
    }

    /// <summary>An email as it may be shown and stored in clear: its first character and its domain (<c>a***@example.com</c>).</summary>
    public static string Mask(string email)
    {
        var trimmed = (email ?? "").Trim();
        var at = trimmed.LastIndexOf('@');
        return at <= 0 ? "***" : trimmed[0] + "***" + trimmed[at..];
    }

    // Names the key a value was sealed with, without revealing it: 8 hex digits of its SHA-256.
    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 4));

    private static byte[] Parse(string base64, string setting) =>
        IsValidKey(base64) ? Convert.FromBase64String(base64) : throw new OptionsValidationException(setting, typeof(AccountOptions), [$"{setting} must be 32 bytes in standard base64."]);
}
