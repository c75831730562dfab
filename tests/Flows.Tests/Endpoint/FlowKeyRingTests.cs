using System.Security.Cryptography;
using Backend.Flows.Endpoint;
using Backend.TestSupport.Meta;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;

namespace Backend.Flows.Tests.Endpoint;

public sealed class FlowKeyRingTests
{
    private const string Passphrase = "correct horse battery staple";
    private static readonly Lazy<RSA> Original = new(() => RSA.Create(2048));

    public static TheoryData<string> PemForms() => ["pkcs1", "pkcs8", "encrypted-pkcs8", "legacy-encrypted"];

    private static string Export(string form) => form switch
    {
        "pkcs1" => Original.Value.ExportRSAPrivateKeyPem(),
        "pkcs8" => Original.Value.ExportPkcs8PrivateKeyPem(),
        "encrypted-pkcs8" => Original.Value.ExportEncryptedPkcs8PrivateKeyPem(Passphrase,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)),
        "legacy-encrypted" => LegacyEncrypted(Original.Value, Passphrase),
        _ => throw new ArgumentOutOfRangeException(nameof(form)),
    };

    // Proc-Type: 4,ENCRYPTED with DES-EDE3-CBC, as Meta's key generator and `openssl genrsa -des3 -traditional` write it.
    private static string LegacyEncrypted(RSA key, string passphrase)
    {
        var pair = DotNetUtilities.GetRsaKeyPair(key.ExportParameters(true));
        using var text = new StringWriter();
        var writer = new PemWriter(text);
        writer.WriteObject(pair.Private, "DESEDE", passphrase.ToCharArray(), new SecureRandom());
        writer.Writer.Flush();
        return text.ToString();
    }

    [Theory]
    [MemberData(nameof(PemForms))]
    public void LoadsEveryPemFormAndUnwrapsWithIt(string form)
    {
        var pem = Export(form);
        using var ring = new FlowKeyRing([FlowKeyRing.LoadPrivateKey(pem, Passphrase)]);
        var aesKey = RandomNumberGenerator.GetBytes(16);
        var wrapped = Original.Value.Encrypt(aesKey, RSAEncryptionPadding.OaepSHA256);

        var unwrapped = new byte[16];
        Assert.True(ring.TryUnwrapAesKey(wrapped, unwrapped));
        Assert.Equal(aesKey, unwrapped);
    }

    [Fact]
    public void TheLegacyPemGeneratedForTheTestsIsReallyLegacyEncrypted()
    {
        var pem = Export("legacy-encrypted");
        Assert.Contains("BEGIN RSA PRIVATE KEY", pem);
        Assert.Contains("Proc-Type: 4,ENCRYPTED", pem);
        Assert.Contains("DEK-Info: DES-EDE3-CBC", pem);
    }

    [Fact]
    public void LoadsMetasReferenceKeyWithItsPassphrase()
    {
        using var key = FlowKeyRing.LoadPrivateKey(RecordedExchange.PrivateKeyPem, RecordedExchange.Passphrase);
        Assert.Equal(RecordedExchange.PublicKeyPem.Trim(), key.ExportSubjectPublicKeyInfoPem().Trim());
    }

    [Theory]
    [InlineData("encrypted-pkcs8")]
    [InlineData("legacy-encrypted")]
    public void AWrongPassphraseIsAClearError(string form)
    {
        var ex = Assert.Throws<FlowKeyException>(() => FlowKeyRing.LoadPrivateKey(Export(form), "not the passphrase"));
        Assert.Contains("passphrase is wrong", ex.Message);
    }

    [Theory]
    [InlineData("encrypted-pkcs8")]
    [InlineData("legacy-encrypted")]
    public void AMissingPassphraseIsAClearError(string form)
    {
        var ex = Assert.Throws<FlowKeyException>(() => FlowKeyRing.LoadPrivateKey(Export(form)));
        Assert.Contains("needs a passphrase", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----")]
    public void TextWithoutAPrivateKeyIsAClearError(string pem)
    {
        Assert.Throws<FlowKeyException>(() => FlowKeyRing.LoadPrivateKey(pem));
    }

    [Fact]
    public void AMissingFileNamesThePath()
    {
        var ex = Assert.Throws<FlowKeyException>(() => FlowKeyRing.LoadPrivateKeyFile("/nonexistent/key.pem"));
        Assert.Contains("/nonexistent/key.pem", ex.Message);
    }

    [Fact]
    public void KeysShorterThan2048BitsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new FlowKeyRing([RSA.Create(1024)]));
    }

    [Fact]
    public void DuringRotationARequestForEitherKeyUnwraps()
    {
        using var current = RSA.Create(2048);
        using var previous = RSA.Create(2048);
        using var ring = new FlowKeyRing([
            FlowKeyRing.LoadPrivateKey(current.ExportPkcs8PrivateKeyPem()),
            FlowKeyRing.LoadPrivateKey(previous.ExportPkcs8PrivateKeyPem())]);
        var unwrapped = new byte[16];

        foreach (var key in new[] { current, previous })
        {
            var aesKey = RandomNumberGenerator.GetBytes(16);
            Assert.True(ring.TryUnwrapAesKey(key.Encrypt(aesKey, RSAEncryptionPadding.OaepSHA256), unwrapped));
            Assert.Equal(aesKey, unwrapped);
        }
        Assert.Equal(current.ExportSubjectPublicKeyInfoPem(), ring.CurrentPublicKeyPem);
    }

    [Fact]
    public void AKeyForSomeoneElseDoesNotUnwrap()
    {
        using var stranger = RSA.Create(2048);
        using var ring = new FlowKeyRing([FlowKeyRing.LoadPrivateKey(Original.Value.ExportPkcs8PrivateKeyPem())]);
        var wrapped = stranger.Encrypt(RandomNumberGenerator.GetBytes(16), RSAEncryptionPadding.OaepSHA256);

        Assert.False(ring.TryUnwrapAesKey(wrapped, new byte[16]));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(24)]
    [InlineData(32)]
    public void AWrappedKeyThatIsNotAes128DoesNotUnwrap(int length)
    {
        using var ring = new FlowKeyRing([FlowKeyRing.LoadPrivateKey(Original.Value.ExportPkcs8PrivateKeyPem())]);
        var wrapped = Original.Value.Encrypt(RandomNumberGenerator.GetBytes(length), RSAEncryptionPadding.OaepSHA256);

        Assert.False(ring.TryUnwrapAesKey(wrapped, new byte[16]));
    }

    [Fact]
    public void UnwrappingIsSafeFromManyThreadsAtOnce()
    {
        using var ring = new FlowKeyRing([FlowKeyRing.LoadPrivateKey(Original.Value.ExportPkcs8PrivateKeyPem())]);
        var keys = Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();
        var wrapped = keys.Select(k => Original.Value.Encrypt(k, RSAEncryptionPadding.OaepSHA256)).ToArray();

        Parallel.For(0, keys.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var unwrapped = new byte[16];
            Assert.True(ring.TryUnwrapAesKey(wrapped[i], unwrapped));
            Assert.Equal(keys[i], unwrapped);
        });
    }
}
