using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Backend.Flows.Media;
using Backend.Flows.Webhooks;
using Backend.TestSupport.Logging;
using Backend.TestSupport.Media;
using Backend.TestSupport.Meta;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backend.Flows.Tests.Media;

/// <summary>
/// PhotoPicker and DocumentPicker uploads: files encrypted like WhatsApp's (an independent BouncyCastle
/// implementation), served by a CDN on 127.0.0.1, opened by the product's decryptor. Every broken step has its
/// own typed failure, and nothing is handed out before all checks pass.
/// </summary>
public sealed class FlowMediaTests : IAsyncLifetime
{
    private readonly FakeMediaCdn _cdn = new();
    private readonly LogCapture _logs = new();
    private ServiceProvider? _services;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        await _cdn.DisposeAsync();
    }

    private FlowMediaDecryptor Decryptor(TimeSpan? timeout = null, bool allowHttp = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FlowMedia:AllowInsecureHttp"] = allowHttp ? "true" : "false",
            ["FlowMedia:DownloadTimeout"] = (timeout ?? TimeSpan.FromSeconds(20)).ToString(),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddFlowMediaDecryptor(configuration.GetSection(FlowMediaOptions.Section));
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<FlowMediaDecryptor>();
    }

    private FlowMediaFile Picked(MetaMediaUpload upload, CdnServe? serve = null, string name = "photo.jpg") =>
        FlowMediaFile.Read(new JsonObject { ["photo"] = new JsonArray(upload.PickerValue(_cdn.Add(upload.Uploaded, serve), "media-1", name)) }, "photo")[0];

    private static async Task<byte[]> ReadAll(FlowMediaContent content)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private async Task<FlowMediaFailure> Refusal(FlowMediaFile file, int? maxFileSizeKb = null, FlowMediaDecryptor? decryptor = null) =>
        (await Assert.ThrowsAsync<FlowMediaException>(() => (decryptor ?? Decryptor()).DownloadAsync(file, maxFileSizeKb))).Failure;

    private static byte[] Photo(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.CopyTo(bytes, 0);
        return bytes;
    }

    private static byte[] Document() =>
        Encoding.ASCII.GetBytes("%PDF-1.7\n" + string.Concat(Enumerable.Range(0, 5_000).Select(i => $"{i} 0 obj << /Length {i} >> endobj\n")) + "%%EOF\n");

    [Fact]
    public async Task APhotoDecryptsToTheBytesTheUserPicked()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(300_001));

        await using var content = await Decryptor().DownloadAsync(Picked(upload));

        Assert.Equal(upload.Plaintext.Length, content.Length);
        Assert.Equal(upload.Plaintext, await ReadAll(content));
    }

    [Fact]
    public async Task ADocumentSentWithoutContentLengthDecryptsToo()
    {
        var upload = MetaMediaUpload.Encrypt(Document());

        await using var content = await Decryptor().DownloadAsync(Picked(upload, new CdnServe(Chunked: true), "contract.pdf"));

        Assert.Equal("contract.pdf", content.File.FileName);
        Assert.Equal(upload.Plaintext, await ReadAll(content));
        // A second reader starts over.
        Assert.Equal(upload.Plaintext, await ReadAll(content));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(7_777 - 26)]
    [InlineData(7_777 * 2 - 20)]
    public async Task EveryLengthAroundBlockAndChunkBoundariesDecrypts(int length)
    {
        var upload = MetaMediaUpload.Encrypt(RandomNumberGenerator.GetBytes(length));
        await using var content = await Decryptor().DownloadAsync(Picked(upload));
        Assert.Equal(upload.Plaintext, await ReadAll(content));
    }

    [Fact]
    public async Task AFlippedBitAnywhereInTheFileFailsTheEncryptedHash()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(20_000));
        var flipped = (byte[])upload.Uploaded.Clone();
        flipped[12_345] ^= 0x04;

        Assert.Equal(FlowMediaFailure.EncryptedHash, await Refusal(Picked(upload with { Uploaded = flipped })));
    }

    [Fact]
    public async Task AWrongMacFailsTheHmacEvenWhenTheEncryptedHashMatches()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(20_000));
        var forged = (byte[])upload.Uploaded.Clone();
        forged[^1] ^= 0xFF;

        Assert.Equal(FlowMediaFailure.Hmac, await Refusal(Picked(upload.WithUploaded(forged))));
    }

    [Fact]
    public async Task AnotherHmacKeyFailsTheHmac()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(2_000));
        Assert.Equal(FlowMediaFailure.Hmac, await Refusal(Picked(upload with { HmacKey = RandomNumberGenerator.GetBytes(32) })));
    }

    [Fact]
    public async Task AWrongPlaintextHashIsRefusedAfterDecryption()
    {
        var upload = MetaMediaUpload.Encrypt(Document());
        Assert.Equal(FlowMediaFailure.PlaintextHash, await Refusal(Picked(upload with { PlaintextHash = SHA256.HashData("other"u8) })));
    }

    [Fact]
    public async Task BadPaddingIsADecryptionFailure()
    {
        var upload = MetaMediaUpload.EncryptUnpadded(new byte[32]);
        Assert.Equal(FlowMediaFailure.Decryption, await Refusal(Picked(upload)));
    }

    [Fact]
    public async Task ADownloadCutShortOfItsContentLengthIsTruncated()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(50_000));
        Assert.Equal(FlowMediaFailure.Truncated, await Refusal(Picked(upload, new CdnServe(SendOnly: 20_000))));
    }

    [Fact]
    public async Task AShorterFileServedWholeFailsTheEncryptedHash()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(50_000));
        Assert.Equal(FlowMediaFailure.EncryptedHash, await Refusal(Picked(upload with { Uploaded = upload.Uploaded[..20_000] })));
    }

    [Fact]
    public async Task AFileOverThePickersLimitIsRefusedByItsContentLength()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(3 * 1024));
        Assert.Equal(FlowMediaFailure.TooLarge, await Refusal(Picked(upload), maxFileSizeKb: 2));
    }

    [Fact]
    public async Task AFileOverThePickersLimitWithoutContentLengthIsRefusedWhileItIsRead()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(200 * 1024));
        Assert.Equal(FlowMediaFailure.TooLarge, await Refusal(Picked(upload, new CdnServe(Chunked: true)), maxFileSizeKb: 64));
    }

    [Fact]
    public async Task AFileExactlyAtTheLimitIsAccepted()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(2 * 1024));
        await using var content = await Decryptor().DownloadAsync(Picked(upload, new CdnServe(Chunked: true)), maxFileSizeKb: 2);
        Assert.Equal(2 * 1024, content.Length);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(403)]
    public async Task ACdnErrorIsAnHttpStatusFailureWithTheStatus(int status)
    {
        var upload = MetaMediaUpload.Encrypt(Photo(1_000));
        var refusal = await Assert.ThrowsAsync<FlowMediaException>(() => Decryptor().DownloadAsync(Picked(upload, new CdnServe(Status: status))));
        Assert.Equal((FlowMediaFailure.HttpStatus, status), (refusal.Failure, refusal.StatusCode));
    }

    [Fact]
    public async Task AnUnreachableCdnIsADownloadFailure()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(1_000));
        var url = new Uri($"http://127.0.0.1:{Backend.TestSupport.LoopbackPorts.Free()}/gone.enc");
        var file = FlowMediaFile.Read(new JsonObject { ["f"] = new JsonArray(upload.PickerValue(url, "m", "x")) }, "f")[0];
        Assert.Equal(FlowMediaFailure.Download, await Refusal(file));
    }

    [Fact]
    public async Task ACdnThatStallsPastTheTimeoutIsATimeout()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(1_000));
        var decryptor = Decryptor(timeout: TimeSpan.FromMilliseconds(300));
        Assert.Equal(FlowMediaFailure.Timeout, await Refusal(Picked(upload, new CdnServe(Delay: TimeSpan.FromSeconds(5))), decryptor: decryptor));
    }

    [Fact]
    public async Task TheCallersCancellationIsACancellationNotAFailure()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(1_000));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Decryptor().DownloadAsync(Picked(upload, new CdnServe(Delay: TimeSpan.FromSeconds(5))), cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task PlainHttpIsRefusedUnlessAllowed()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(1_000));
        Assert.Equal(FlowMediaFailure.InvalidMetadata, await Refusal(Picked(upload), decryptor: Decryptor(allowHttp: false)));
        Assert.Equal(0, _cdn.Requests);
    }

    [Fact]
    public async Task NoKeyUrlQueryOrFileByteReachesTheLogs()
    {
        var upload = MetaMediaUpload.Encrypt(Encoding.ASCII.GetBytes("plaintext-marker-3c1d " + new string('x', 100)));
        await using (await Decryptor().DownloadAsync(Picked(upload)))
        {
        }
        await Refusal(Picked(upload with { PlaintextHash = new byte[32] }));
        await Refusal(Picked(upload, new CdnServe(Status: 500)));

        var logs = _logs.All;
        Assert.Contains("media-1", logs);
        foreach (var secret in new[] { upload.Key, upload.HmacKey, upload.Iv })
        {
            Assert.DoesNotContain(Convert.ToBase64String(secret), logs);
            Assert.DoesNotContain(Convert.ToHexString(secret), logs, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(FakeMediaCdn.SecretQuery, logs);
        Assert.DoesNotContain("plaintext-marker", logs);
        Assert.DoesNotContain(FakeMediaCdn.SecretQuery, Picked(upload).ToString());
        Assert.DoesNotContain(Convert.ToBase64String(upload.Key), Picked(upload).ToString());
    }

    [Fact]
    public void PickerValuesAreReadFromADataExchangePayload()
    {
        var photo = MetaMediaUpload.Encrypt(Photo(10));
        var second = MetaMediaUpload.Encrypt(Photo(10));
        var data = new JsonObject
        {
            ["photos"] = new JsonArray(photo.PickerValue(new Uri("https://mmg.whatsapp.net/a.enc?x=1"), "111", "a.jpg"),
                                       second.PickerValue(new Uri("https://mmg.whatsapp.net/b.enc?x=2"), "222", "b.jpg")),
        };

        var files = FlowMediaFile.Read(data, "photos");

        Assert.Equal(["111", "222"], files.Select(f => f.MediaId));
        Assert.Equal(photo.Key, files[0].Encryption.EncryptionKey);
        Assert.Equal(second.PlaintextHash, files[1].Encryption.PlaintextHash);
        Assert.Empty(FlowMediaFile.Read(data, "absent"));
    }

    [Fact]
    public void PickerValuesAreReadFromACompletionsResponseJson()
    {
        var upload = MetaMediaUpload.Encrypt(Photo(10));
        var response = new JsonObject
        {
            ["flow_token"] = "tok",
            ["document"] = new JsonArray(upload.PickerValue(new Uri("https://mmg.whatsapp.net/d.enc"), "333", "id.pdf")),
        };
        var webhook = MetaWebhook.Completion(response, "wamid.1");

        var completion = Assert.Single(WebhookNotification.Parse(Encoding.UTF8.GetBytes(webhook.ToJsonString())).Completions);
        var file = Assert.Single(completion.MediaFiles("document"));

        Assert.Equal(("333", "id.pdf"), (file.MediaId, file.FileName));
        Assert.Equal(upload.EncryptedHash, file.Encryption.EncryptedHash);
    }

    public static TheoryData<string> MalformedValues() =>
    [
        """{"f":"not an array"}""",
        """{"f":[42]}""",
        """{"f":[{"cdn_url":"https://x/y","encryption_metadata":{}}]}""",
        """{"f":[{"media_id":"1","encryption_metadata":{}}]}""",
        """{"f":[{"media_id":"1","cdn_url":"ftp://x/y","encryption_metadata":{}}]}""",
        """{"f":[{"media_id":"1","cdn_url":"not a url","encryption_metadata":{}}]}""",
        """{"f":[{"media_id":"1","cdn_url":"https://x/y"}]}""",
        """{"f":[{"media_id":1,"cdn_url":"https://x/y","encryption_metadata":{}}]}""",
    ];

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public void AMalformedPickerValueIsInvalidMetadata(string json)
    {
        var refusal = Assert.Throws<FlowMediaException>(() => FlowMediaFile.Read(JsonNode.Parse(json)!.AsObject(), "f"));
        Assert.Equal(FlowMediaFailure.InvalidMetadata, refusal.Failure);
    }

    [Theory]
    [InlineData("encrypted_hash", "%%not-base64%%")]
    [InlineData("iv", "AAAA")]
    [InlineData("encryption_key", "AAECAwQFBgcICQoLDA0ODw==")]
    [InlineData("hmac_key", "")]
    [InlineData("plaintext_hash", null)]
    public void ABadKeyOrHashIsInvalidMetadataNamingTheFieldNotTheValue(string field, string? value)
    {
        var picked = MetaMediaUpload.Encrypt([1, 2, 3]).PickerValue(new Uri("https://mmg.whatsapp.net/x.enc"), "9", "x");
        picked["encryption_metadata"]![field] = value;

        var refusal = Assert.Throws<FlowMediaException>(() => FlowMediaFile.Read(new JsonObject { ["f"] = new JsonArray(picked) }, "f"));

        Assert.Equal(FlowMediaFailure.InvalidMetadata, refusal.Failure);
        Assert.Contains($"f[0].encryption_metadata.{field}", refusal.Message);
        if (!string.IsNullOrEmpty(value))
        {
            Assert.DoesNotContain(value, refusal.Message);
        }
    }
}
