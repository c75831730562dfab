using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Flows.FlowJson;
using Backend.Flows.Media;
using Backend.Flows.Routing;
using Backend.Grains;
using Backend.TestSupport.Media;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backend.Api.Tests;

/// <summary>
/// A flow with a PhotoPicker screen: its data_exchange handler downloads the picked file through the registered
/// <see cref="FlowMediaDecryptor"/> and answers its length and SHA-256 on the next screen. The picker field is
/// sensitive, so the file's keys never reach the session's state.
/// </summary>
public sealed class UploadFlow : FlowDefinition
{
    public const string FlowName = "upload";

    public override string Name => FlowName;

    public override FlowJsonDocument FlowJson { get; } = new()
    {
        Version = "7.3",
        Screens =
        [
            new Screen
            {
                Id = "RECEIVED",
                Terminal = true,
                Layout = new Layout { Children = [new Footer { Label = "Done", OnClickAction = new CompleteAction() }] },
            },
        ],
    };

    protected override IEnumerable<string> AdditionalSensitiveFields => ["photo"];

    protected override void Configure(FlowRouter router) => router.OnSubmit("UPLOAD", ReceiveAsync);

    private static async ValueTask<FlowResponse> ReceiveAsync(FlowRequestContext context)
    {
        var decryptor = context.Service<FlowMediaDecryptor>();
        var received = new JsonArray();
        try
        {
            foreach (var file in context.MediaFiles("photo"))
            {
                await using var content = await decryptor.DownloadAsync(file, cancellationToken: context.CancellationToken);
                await using var plaintext = content.OpenRead();
                var sha256 = await SHA256.HashDataAsync(plaintext, context.CancellationToken);
                received.Add(new JsonObject { ["name"] = file.FileName, ["length"] = content.Length, ["sha256"] = Convert.ToHexStringLower(sha256) });
            }
        }
        catch (FlowMediaException refused)
        {
            return await context.Screen("UPLOAD", new JsonObject { ["step"] = refused.Failure.ToString() }, "The photo could not be read. Please pick it again.");
        }
        return await context.Screen("RECEIVED", new JsonObject { ["files"] = received });
    }
}

/// <summary>The Api with the upload flow on the session grains (any token), and a local CDN allowed over http.</summary>
public sealed class UploadApiFactory : FlowsApiFactory
{
    public UploadApiFactory()
    {
        UseTestHandler = false;
        Settings["FlowSessions:TokenPolicy"] = "AnyToken";
        Settings["FlowMedia:AllowInsecureHttp"] = "true";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.TryAddEnumerable(ServiceDescriptor.Singleton<FlowDefinition, UploadFlow>()));
    }
}

/// <summary>An uploaded photo read by a flow's handler, reached over the real encrypted endpoint.</summary>
public sealed class MediaUploadTests(UploadApiFactory api) : IClassFixture<UploadApiFactory>, IAsyncLifetime
{
    private const string Path = "/flows/" + UploadFlow.FlowName;
    private readonly FakeMediaCdn _cdn = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cdn.DisposeAsync();

    private static string Submit(string token, params JsonObject[] files) => new JsonObject
    {
        ["version"] = "3.0",
        ["action"] = "data_exchange",
        ["screen"] = "UPLOAD",
        ["flow_token"] = token,
        ["data"] = new JsonObject { ["photo"] = new JsonArray([.. files]), ["caption"] = "my id" },
    }.ToJsonString();

    [Fact]
    public async Task AHandlerReadsTheUploadedPhotoAndAnswersItsLengthAndHash()
    {
        var photo = RandomNumberGenerator.GetBytes(123_457);
        var upload = MetaMediaUpload.Encrypt(photo);
        var token = "upload-" + Guid.NewGuid().ToString("N");

        var answer = await api.Meta().ExchangeAsync(Path, Submit(token, upload.PickerValue(_cdn.Add(upload.Uploaded), "1048576", "IMG_0001.jpg")));

        Assert.Equal("RECEIVED", (string?)answer["screen"]);
        var file = Assert.Single(answer["data"]!["files"]!.AsArray())!;
        Assert.Equal("IMG_0001.jpg", (string?)file["name"]);
        Assert.Equal(photo.Length, (long)file["length"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(photo)), (string?)file["sha256"]);

        var session = await api.Services.GetRequiredService<IGrainFactory>().GetFlowSession(token).Get();
        Assert.Equal("my id", (string?)session!.Collected["caption"]);
        Assert.False(session.Collected.ContainsKey("photo"));
        Assert.DoesNotContain(Convert.ToBase64String(upload.Key), api.Logs.All);
        Assert.DoesNotContain(FakeMediaCdn.SecretQuery, api.Logs.All);
    }

    [Fact]
    public async Task ATamperedPhotoIsRefusedAndTheUserAskedToPickItAgain()
    {
        var upload = MetaMediaUpload.Encrypt(RandomNumberGenerator.GetBytes(4_000));
        var tampered = (byte[])upload.Uploaded.Clone();
        tampered[100] ^= 1;
        var token = "tampered-" + Guid.NewGuid().ToString("N");

        var answer = await api.Meta().ExchangeAsync(Path, Submit(token, upload.PickerValue(_cdn.Add(tampered), "2", "x.jpg")));

        Assert.Equal("UPLOAD", (string?)answer["screen"]);
        Assert.Equal(nameof(FlowMediaFailure.EncryptedHash), (string?)answer["data"]!["step"]);
        Assert.NotNull(answer["data"]!["error_message"]);
    }

    [Fact]
    public void TheDecryptorIsRegisteredForHandlers() =>
        Assert.NotNull(api.Services.GetService<FlowMediaDecryptor>());
}
