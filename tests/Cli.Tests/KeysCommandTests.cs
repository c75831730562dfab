using Backend.Flows.Endpoint;
using System.Security.Cryptography;

namespace Backend.Cli.Tests;

public sealed class KeysCommandTests : FakeGraphCliTest
{
    private const string Passphrase = "correct horse battery";

    [Theory]
    [InlineData("encrypted-pkcs8", "-----BEGIN ENCRYPTED PRIVATE KEY-----")]
    [InlineData("pkcs8", "-----BEGIN PRIVATE KEY-----")]
    [InlineData("pkcs1", "-----BEGIN RSA PRIVATE KEY-----")]
    public async Task GenerateWritesAKeyPairThatLoadsBackInDotnet(string format, string header)
    {
        Cli.Environment["WHATSAPP_KEY_PASSPHRASE"] = Passphrase;
        var privatePath = Cli.PathOf("private.pem");
        var publicPath = Cli.PathOf("public.pem");

        var result = await Cli.RunAsync("keys", "generate", "--format", format, "--private-key", privatePath, "--public-key", publicPath);

        Assert.Equal(0, result.ExitCode);
        var privatePem = await File.ReadAllTextAsync(privatePath);
        var publicPem = await File.ReadAllTextAsync(publicPath);
        Assert.StartsWith(header, privatePem);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", publicPem);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privatePath));

        using var loaded = RSA.Create();
        if (format == "encrypted-pkcs8")
        {
            Assert.ThrowsAny<CryptographicException>(() => RSA.Create().ImportFromEncryptedPem(privatePem, "wrong passphrase"));
            loaded.ImportFromEncryptedPem(privatePem, Passphrase);
        }
        else
        {
            loaded.ImportFromPem(privatePem);
        }

        using var published = RSA.Create();
        published.ImportFromPem(publicPem);
        Assert.Equal(2048, loaded.KeySize);
        Assert.Equal(published.ExportSubjectPublicKeyInfo(), loaded.ExportSubjectPublicKeyInfo());

        // The pair works for the flow endpoint's RSA step: OAEP-SHA256 with the public key, decrypt with the private one.
        var aesKey = RandomNumberGenerator.GetBytes(16);
        Assert.Equal(aesKey, loaded.Decrypt(published.Encrypt(aesKey, RSAEncryptionPadding.OaepSHA256), RSAEncryptionPadding.OaepSHA256));

        Assert.Contains(publicPem.TrimEnd(), result.Out);
        Assert.Contains("mode 0600", result.Out);
        Assert.DoesNotContain(Passphrase, result.Out + result.Error);

        // And the file, as written, is what the endpoint's key ring loads at start-up.
        using var ring = new FlowKeyRing([FlowKeyRing.LoadPrivateKeyFile(privatePath, format == "encrypted-pkcs8" ? Passphrase : null)]);
        Assert.Equal(publicPem.Trim(), ring.CurrentPublicKeyPem.Trim());
        var unwrapped = new byte[FlowKeyRing.AesKeyLength];
        Assert.True(ring.TryUnwrapAesKey(published.Encrypt(aesKey, RSAEncryptionPadding.OaepSHA256), unwrapped));
        Assert.Equal(aesKey, unwrapped);
    }

    [Fact]
    public async Task GeneratePromptsTwiceForThePassphraseWhenTheVariableIsUnset()
    {
        Cli.SecretAnswers.Enqueue(Passphrase);
        Cli.SecretAnswers.Enqueue(Passphrase);
        var privatePath = Cli.PathOf("k.pem");

        var result = await Cli.RunAsync("keys", "generate", "--private-key", privatePath, "--public-key", Cli.PathOf("k.pub"));

        Assert.Equal(0, result.ExitCode);
        using var rsa = RSA.Create();
        rsa.ImportFromEncryptedPem(await File.ReadAllTextAsync(privatePath), Passphrase);
    }

    [Fact]
    public async Task GenerateWithoutAPassphraseOrTerminalIsAUsageError()
    {
        var result = await Cli.RunAsync("keys", "generate", "--private-key", Cli.PathOf("a.pem"), "--public-key", Cli.PathOf("b.pem"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No passphrase", result.Error);
        Assert.False(File.Exists(Cli.PathOf("a.pem")));
    }

    [Fact]
    public async Task GenerateRefusesToOverwriteWithoutForce()
    {
        var privatePath = Cli.PathOf("private.pem");
        await File.WriteAllTextAsync(privatePath, "keep me");

        var refused = await Cli.RunAsync("keys", "generate", "--format", "pkcs8", "--private-key", privatePath, "--public-key", Cli.PathOf("p.pem"));
        var forced = await Cli.RunAsync("keys", "generate", "--format", "pkcs8", "--private-key", privatePath, "--public-key", Cli.PathOf("p.pem"), "--force");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal(0, forced.ExitCode);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(privatePath));
    }

    [Fact]
    public async Task UploadRegistersThePublicKeyAndShowReadsItBack()
    {
        var publicPath = Cli.PathOf("public.pem");
        await Cli.RunAsync("keys", "generate", "--format", "pkcs8", "--private-key", Cli.PathOf("private.pem"), "--public-key", publicPath);

        var upload = await Cli.RunAsync("keys", "upload", "--public-key", publicPath);
        var show = await Cli.RunAsync("keys", "show");

        Assert.Equal(0, upload.ExitCode);
        Assert.Equal($"Uploaded {publicPath} as the business public key of phone number {Cli.Graph.PhoneNumberId}.\n", upload.Out);
        var request = Cli.Graph.Requests[0];
        Assert.Equal($"POST {Cli.Graph.PhoneNumberId}/whatsapp_business_encryption", request.ToString());
        Assert.Equal((await File.ReadAllTextAsync(publicPath)).TrimEnd(), request.Form["business_public_key"].TrimEnd());
        Assert.Equal(0, show.ExitCode);
        Assert.StartsWith("Signature status: VALID\n-----BEGIN PUBLIC KEY-----", show.Out);
    }

    [Fact]
    public async Task UploadRefusesAPrivateKey()
    {
        var privatePath = Cli.PathOf("private.pem");
        await Cli.RunAsync("keys", "generate", "--format", "pkcs1", "--private-key", privatePath, "--public-key", Cli.PathOf("public.pem"));

        var result = await Cli.RunAsync("keys", "upload", "--public-key", privatePath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("never the private one", result.Error);
        Assert.Empty(Cli.Graph.Requests);
    }
}
