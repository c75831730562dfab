using System.Collections.Concurrent;
using System.Net;

namespace Backend.TestSupport.Media;

/// <summary>How the fake CDN serves one file.</summary>
/// <param name="Status">The HTTP status; not 200 sends no file.</param>
/// <param name="Chunked">Send without <c>Content-Length</c> (chunked transfer).</param>
/// <param name="SendOnly">Send only this many bytes, then cut the connection (with the full <c>Content-Length</c> unless chunked).</param>
/// <param name="Delay">Wait this long before answering.</param>
public sealed record CdnServe(int Status = 200, bool Chunked = false, int? SendOnly = null, TimeSpan? Delay = null);

/// <summary>
/// A stand-in for WhatsApp's media CDN over real HTTP on 127.0.0.1: serves registered bytes at URLs with a
/// signed-looking query string, in odd-sized chunks (so a reader sees the MAC split across reads), and can answer
/// errors, cut a download short, omit <c>Content-Length</c> or stall.
/// </summary>
public sealed class FakeMediaCdn : IAsyncDisposable
{
    /// <summary>The query string every URL carries; the product must never log it.</summary>
    public const string SecretQuery = "oh=cdn-query-credential-5be1&oe=68A0";

    private readonly LoopbackListener _listener;
    private readonly ConcurrentDictionary<string, (byte[] Body, CdnServe Serve)> _files = new();

    /// <summary>Starts on a free loopback port.</summary>
    public FakeMediaCdn()
    {
        _listener = LoopbackListener.Start(AnswerAsync);
        BaseUrl = _listener.BaseUrl;
    }

    /// <summary>The server's root.</summary>
    public Uri BaseUrl { get; }

    /// <summary>How many requests were answered.</summary>
    public int Requests => _requests;

    private int _requests;

    /// <summary>Serves <paramref name="body"/> and returns its URL.</summary>
    public Uri Add(byte[] body, CdnServe? serve = null)
    {
        var path = $"v/t62.7118-24/{Guid.NewGuid():N}.enc";
        _files[path] = (body, serve ?? new CdnServe());
        return new Uri(BaseUrl, $"{path}?{SecretQuery}");
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var response = context.Response;
        try
        {
            var path = context.Request.Url!.AbsolutePath.TrimStart('/');
            if (!_files.TryGetValue(path, out var file))
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }
            var (body, serve) = file;
            if (serve.Delay is { } delay)
            {
                await Task.Delay(delay);
            }
            response.StatusCode = serve.Status;
            if (serve.Status != 200)
            {
                response.Close();
                return;
            }
            response.ContentType = "application/octet-stream";
            if (serve.Chunked)
            {
                response.SendChunked = true;
            }
            else
            {
                response.ContentLength64 = body.Length;
            }
            var send = Math.Min(serve.SendOnly ?? body.Length, body.Length);
            for (var offset = 0; offset < send; offset += 7_777)
            {
                await response.OutputStream.WriteAsync(body.AsMemory(offset, Math.Min(7_777, send - offset)));
                await response.OutputStream.FlushAsync();
            }
            if (send < body.Length)
            {
                response.Abort();
                return;
            }
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (e.g. it refused an oversized download): nothing left to answer.
            response.Abort();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
