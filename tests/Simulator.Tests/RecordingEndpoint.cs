using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Backend.Flows.Endpoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Backend.Simulator.Tests;

/// <summary>A request as it reached the recording endpoint: the raw body and the headers.</summary>
public sealed record RecordedRequest(string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A small Kestrel app on 127.0.0.1 that keeps every request's raw bytes and headers, then either passes the same
/// bytes and signature on to a real endpoint and its answer back (a transparent recorder), or plays an endpoint of
/// its own: it opens the request with its own key (<see cref="FlowCipher"/>) and answers a given clear JSON, sealed.
/// </summary>
public sealed class RecordingEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new();

    private RecordingEndpoint(WebApplication app) => _app = app;

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The base URL (http://127.0.0.1:port).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Its own key, when it plays an endpoint.</summary>
    public RSA? Key { get; private init; }

    /// <summary>A recorder passing everything on to <paramref name="target"/> (path and query kept).</summary>
    public static Task<RecordingEndpoint> ForwardingAsync(Uri target) => StartAsync(null, null, target);

    /// <summary>An endpoint with a key of its own that answers every request <paramref name="clearAnswer"/> (sealed as an endpoint seals).</summary>
    public static Task<RecordingEndpoint> AnsweringAsync(Func<string, string> clearAnswer) => StartAsync(RSA.Create(2048), clearAnswer, null);

    private static async Task<RecordingEndpoint> StartAsync(RSA? key, Func<string, string>? answer, Uri? target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new RecordingEndpoint(app) { Key = key };
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            endpoint.Requests.Enqueue(new(http.Request.Path, body, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            if (target is not null)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.TryAddWithoutValidation("Content-Type", http.Request.ContentType);
                using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(target, http.Request.Path + http.Request.QueryString)) { Content = content };
                foreach (var header in http.Request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase)))
                {
                    message.Headers.TryAddWithoutValidation(header.Key, header.Value.ToString());
                }
                using var response = await endpoint._forward.SendAsync(message);
                http.Response.StatusCode = (int)response.StatusCode;
                http.Response.ContentType = response.Content.Headers.ContentType?.ToString();
                await http.Response.Body.WriteAsync(await response.Content.ReadAsByteArrayAsync());
                return;
            }
            using var keys = new FlowKeyRing([RSA.Create(key!.ExportParameters(true))]);
            using var exchange = new FlowCipher(keys).Open(FlowEnvelope.Parse(body));
            var reply = answer!(Encoding.UTF8.GetString(exchange.Plaintext));
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync(exchange.Seal(Encoding.UTF8.GetBytes(reply)));
        });
        await app.StartAsync();
        endpoint.Url = new Uri(app.Urls.First());
        return endpoint;
    }

    /// <summary>This endpoint's public key (to give the simulator).</summary>
    public string PublicKeyPem => Key!.ExportSubjectPublicKeyInfoPem();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forward.Dispose();
        Key?.Dispose();
    }
}
