using System.Diagnostics;
using System.Security.Cryptography;

namespace Backend.Product.Bench;

/// <summary>A ceiling: operations per second with every core, the median of a few rounds, and the CPU each took.</summary>
/// <param name="PerSecond">The median rate.</param>
/// <param name="Rounds">Each round's rate.</param>
/// <param name="Threads">Threads used (the machine's cores).</param>
/// <param name="CpuPerOperationUs">
/// CPU time of this process per operation (µs), the median of the rounds: what one operation costs whatever else the
/// machine runs, unlike the rate, which falls when other work takes cores. Efficiency figures divide by it.
/// </param>
public sealed record Ceiling(double PerSecond, IReadOnlyList<double> Rounds, int Threads, double CpuPerOperationUs);

/// <summary>
/// The two CPU ceilings of the product, measured on this machine while the Api is idle: RSA-2048 OAEP-SHA256
/// decryption (one per endpoint request) and PBKDF2-SHA256 at the configured iterations (one per sign-up, one per
/// login).
/// </summary>
public static class Ceilings
{
    private const int Distinct = 256;

    /// <summary>RSA-OAEP-SHA256 decryptions of 16-byte AES keys per second, one RSA object per thread.</summary>
    public static Ceiling RsaOaepDecrypt(TimeSpan round, int rounds)
    {
        using var key = RSA.Create(2048);
        var pkcs8 = key.ExportPkcs8PrivateKey();
        var wrapped = Enumerable.Range(0, Distinct)
            .Select(_ => key.Encrypt(RandomNumberGenerator.GetBytes(16), RSAEncryptionPadding.OaepSHA256))
            .ToArray();
        return Measure(round, rounds, () =>
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            var output = new byte[256];
            var i = Random.Shared.Next(Distinct);
            return (() =>
            {
                if (!rsa.TryDecrypt(wrapped[i++ % Distinct], output, RSAEncryptionPadding.OaepSHA256, out var written) || written != 16)
                {
                    throw new CryptographicException("RSA unwrap failed.");
                }
            }, rsa);
        });
    }

    /// <summary>PBKDF2-SHA256 derivations (32 bytes, 16-byte salt) at <paramref name="iterations"/> per second.</summary>
    public static Ceiling Pbkdf2Sha256(int iterations, TimeSpan round, int rounds) =>
        Measure(round, rounds, () =>
        {
            var password = "Pw123-0123456789ab"u8.ToArray();
            var salt = RandomNumberGenerator.GetBytes(16);
            return (() => Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32), null);
        });

    /// <summary>Runs a warm-up round, then <paramref name="rounds"/> rounds on every core; the median rate wins.</summary>
    private static Ceiling Measure(TimeSpan round, int rounds, Func<(Action Operation, IDisposable? Owner)> perThread)
    {
        var threads = Environment.ProcessorCount;
        var rates = new List<double>();
        var cpuPerOperation = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (var r = -1; r < rounds; r++)
        {
            var counts = new long[threads];
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var limit = r < 0 ? TimeSpan.FromSeconds(Math.Min(1, round.TotalSeconds)) : round;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var (operation, owner) = perThread();
                using (owner)
                {
                    long n = 0;
                    while (clock.Elapsed < limit)
                    {
                        operation();
                        n++;
                    }
                    counts[t] = n;
                }
            });
            var elapsed = clock.Elapsed;
            self.Refresh();
            var cpu = self.TotalProcessorTime - cpuBefore;
            if (r >= 0)
            {
                rates.Add(counts.Sum() / elapsed.TotalSeconds);
                cpuPerOperation.Add(cpu.TotalMicroseconds / Math.Max(1, counts.Sum()));
            }
        }
        return new Ceiling(rates.Order().ElementAt(rates.Count / 2), rates, threads, Math.Round(cpuPerOperation.Order().ElementAt(cpuPerOperation.Count / 2), 1));
    }
}
