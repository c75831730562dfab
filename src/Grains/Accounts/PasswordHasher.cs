using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Backend.Grains.Accounts;

/// <summary>
/// Salted, slow password hashes: PBKDF2-HMAC-SHA256 with a random 16-byte salt. Each hash records its algorithm
/// and iteration count (<c>pbkdf2-sha256$iterations$salt$hash</c>), so the cost can be raised later and old hashes
/// still verify.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>The floor the product accepts; OWASP's 2023 advice for PBKDF2-SHA256 is higher (600,000).</summary>
    public const int MinimumIterations = 100_000;

    private const string Algorithm = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Creates a hasher that writes hashes with <paramref name="iterations"/> rounds.</summary>
    public PasswordHasher(int iterations = MinimumIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        Iterations = iterations;
    }

    /// <summary>The iteration count of new hashes.</summary>
    public int Iterations { get; }

    /// <summary>Hashes <paramref name="password"/> with a fresh salt.</summary>
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return string.Join('$', Algorithm, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Checks <paramref name="password"/> against a stored hash, in constant time; false for malformed hashes.</summary>
    public static bool Verify(string password, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(storedHash, out var iterations, out var salt, out var expected))
        {
            return false;
        }
        var actual = Derive(password, salt, iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static bool TryParse(string storedHash, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = storedHash?.Split('$') ?? [];
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= SaltBytes && hash.Length == HashBytes;
    }
}
