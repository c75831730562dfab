using System.Net;

namespace Backend.TestSupport;

/// <summary>
/// An <see cref="HttpListener"/> on a free 127.0.0.1 port that hands every request to a handler, for the local
/// stand-ins of Meta's servers. Stopping it never waits forever: on Linux, a <c>GetContextAsync</c> that starts while
/// the listener is closing can be left pending for good (the listener checks that it is started, then the close
/// completes the waits it knows of, then the new wait is queued), which once hung a test run for its full ten minutes.
/// </summary>
public sealed class LoopbackListener : IAsyncDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    private readonly HttpListener _listener;
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;
    private int _disposed;

    private LoopbackListener(HttpListener listener, Uri baseUrl, Func<HttpListenerContext, Task> handle)
    {
        _listener = listener;
        _handle = handle;
        BaseUrl = baseUrl;
        // Started here, not on the thread pool, so the first wait is queued before anyone can stop the listener.
        _loop = ServeAsync();
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts listening on a free loopback port; each request runs <paramref name="handle"/> on the thread pool.</summary>
    public static LoopbackListener Start(Func<HttpListenerContext, Task> handle)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new LoopbackListener(listener, new Uri($"http://127.0.0.1:{port}/"), handle);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probe and bind: try another.
                listener.Close();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.WaitAsync(StopWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The race above: the loop's last wait will never end, and nothing else waits on it.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => _handle(context));
        }
    }
}
