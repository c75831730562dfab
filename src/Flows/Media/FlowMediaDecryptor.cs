using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backend.Flows.Media;

/// <summary>
/// Downloads an uploaded file from WhatsApp's CDN and opens it as Meta's media upload reference says (https://developers.facebook.com/docs/whatsapp/flows/reference/media_upload): SHA-256 of the
/// download equals <c>encrypted_hash</c>, HMAC-SHA256 (<c>hmac_key</c>) over IV and ciphertext starts with the file's
/// last 10 bytes, AES-256-CBC with PKCS#7 decrypts it, SHA-256 of the plaintext equals <c>plaintext_hash</c>. All
/// four hold before a single plaintext byte is handed out; every comparison is constant-time.
/// </summary>
/// <remarks>
/// The body is streamed (never buffered whole): hashes and MAC are computed while it is read, the encrypted bytes
/// go to a private temp file (0600, deleted on dispose), and the download stops as soon as it passes the size cap
/// (the plaintext limit, plus at most one block of padding and the MAC). The plaintext is decrypted twice, once to
/// check its hash and once as the caller reads it; it is never written anywhere. Nothing logged holds a key, the
/// CDN URL or file bytes.
/// </remarks>
public sealed partial class FlowMediaDecryptor(HttpClient http, IOptions<FlowMediaOptions> options, ILogger<FlowMediaDecryptor> logger)
{
    /// <summary>Length of the MAC at the end of the download.</summary>
    public const int MacLength = 10;

    private const int BlockSize = 16;
    private const int BufferSize = 64 * 1024;

    /// <summary>Downloads, verifies and decrypts <paramref name="file"/>.</summary>
    /// <param name="file">The file, as read by <see cref="FlowMediaFile.Read"/>.</param>
    /// <param name="maxFileSizeKb">The picker's <c>max-file-size-kb</c>; default <see cref="FlowMediaOptions.MaxFileSizeKb"/>.</param>
    /// <param name="cancellationToken">Cancels the download (e.g. the endpoint request's deadline).</param>
    /// <returns>The verified file; dispose it to delete its temp file.</returns>
    /// <exception cref="FlowMediaException">The step that failed.</exception>
    public async Task<FlowMediaContent> DownloadAsync(FlowMediaFile file, int? maxFileSizeKb = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var settings = options.Value;
        var limitKb = maxFileSizeKb ?? settings.MaxFileSizeKb;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitKb, nameof(maxFileSizeKb));
        if (file.CdnUrl.Scheme != Uri.UriSchemeHttps && !settings.AllowInsecureHttp)
        {
            throw Refused(file, FlowMediaFailure.InvalidMetadata, "its cdn_url is not https");
        }
        // PKCS#7 adds 1 to 16 bytes to the plaintext; the MAC adds 10.
        var cap = (limitKb * 1024L) + BlockSize + MacLength;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.DownloadTimeout);
        var store = CreateStore(settings);
        try
        {
            await DownloadAsync(file, store, cap, timeout.Token);
            store.SetLength(store.Length - MacLength);
            if (store.Length % BlockSize != 0)
            {
                throw Refused(file, FlowMediaFailure.Decryption, "its ciphertext is not whole AES blocks");
            }
            var length = await VerifyPlaintextAsync(file, store, timeout.Token);
            LogVerified(logger, file.MediaId, length);
            return new FlowMediaContent(file, store, length);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await store.DisposeAsync();
            throw Refused(file, FlowMediaFailure.Timeout, $"it took longer than {settings.DownloadTimeout.TotalSeconds:0.###} s", ex);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    // Streams the body into the store, hashing it and MACing all but its last 10 bytes; then checks both.
    private async Task DownloadAsync(FlowMediaFile file, FileStream store, long cap, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(file.CdnUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Refused(file, FlowMediaFailure.Download, $"the CDN could not be reached ({ex.HttpRequestError})", ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Refused(file, FlowMediaFailure.HttpStatus, $"the CDN answered {(int)response.StatusCode}", statusCode: (int)response.StatusCode);
            }
            var declared = response.Content.Headers.ContentLength;
            if (declared > cap)
            {
                throw Refused(file, FlowMediaFailure.TooLarge, $"its Content-Length {declared} is over the cap of {cap} bytes");
            }

            var keys = file.Encryption;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.HmacKey);
            hmac.AppendData(keys.Iv);
            var tail = new MacTail(hmac);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            long total = 0;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                while (true)
                {
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        throw declared is null
                            ? Refused(file, FlowMediaFailure.Download, "the connection failed while it was read", ex)
                            : Refused(file, FlowMediaFailure.Truncated, $"the download ended after {total} of {declared} bytes", ex);
                    }
                    if (read == 0)
                    {
                        break;
                    }
                    total += read;
                    if (total > cap)
                    {
                        throw Refused(file, FlowMediaFailure.TooLarge, $"it is over the cap of {cap} bytes");
                    }
                    sha.AppendData(buffer, 0, read);
                    tail.Append(buffer.AsSpan(0, read));
                    await store.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            if (declared is { } expected && total != expected)
            {
                throw Refused(file, FlowMediaFailure.Truncated, $"the download ended after {total} of {expected} bytes");
            }
            await store.FlushAsync(cancellationToken);

            if (!CryptographicOperations.FixedTimeEquals(sha.GetHashAndReset(), keys.EncryptedHash))
            {
                throw Refused(file, FlowMediaFailure.EncryptedHash, "the SHA-256 of the download is not its encrypted_hash");
            }
            if (total < BlockSize + MacLength)
            {
                throw Refused(file, FlowMediaFailure.Truncated, $"{total} bytes cannot hold a ciphertext block and the MAC");
            }
            if (!CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset().AsSpan(0, MacLength), tail.Mac()))
            {
                throw Refused(file, FlowMediaFailure.Hmac, "the HMAC over IV and ciphertext does not match the file's MAC");
            }
        }
    }

    private async Task<long> VerifyPlaintextAsync(FlowMediaFile file, FileStream store, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long length = 0;
        try
        {
            await using var plaintext = FlowMediaContent.Decrypting(store, file.Encryption);
            int read;
            while ((read = await plaintext.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }
        }
        catch (CryptographicException ex)
        {
            throw Refused(file, FlowMediaFailure.Decryption, "AES-256-CBC decryption failed (bad padding)", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (!CryptographicOperations.FixedTimeEquals(sha.GetHashAndReset(), file.Encryption.PlaintextHash))
        {
            throw Refused(file, FlowMediaFailure.PlaintextHash, "the SHA-256 of the decrypted file is not its plaintext_hash");
        }
        return length;
    }

    private static FileStream CreateStore(FlowMediaOptions settings)
    {
        var directory = string.IsNullOrEmpty(settings.TempDirectory) ? Path.GetTempPath() : settings.TempDirectory;
        var store = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            store.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new FileStream(Path.Combine(directory, $"flow-media-{Guid.NewGuid():N}.enc"), store);
    }

    private FlowMediaException Refused(FlowMediaFile file, FlowMediaFailure failure, string detail, Exception? inner = null, int? statusCode = null)
    {
        LogRefused(logger, file.MediaId, failure, detail);
        return new FlowMediaException(failure, $"Media {file.MediaId} refused ({failure}): {detail}.", inner, statusCode);
    }

    [LoggerMessage(1, LogLevel.Debug, "Media {MediaId}: {Length} bytes downloaded, verified and decrypted")]
    private static partial void LogVerified(ILogger logger, string mediaId, long length);

    [LoggerMessage(2, LogLevel.Warning, "Media {MediaId} refused at step {Failure}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string mediaId, FlowMediaFailure failure, string detail);

    /// <summary>
    /// Feeds the HMAC every byte but the last <see cref="MacLength"/> seen so far, without knowing where the body
    /// ends: the last 10 bytes are held back until more arrive.
    /// </summary>
    private sealed class MacTail(IncrementalHash hmac)
    {
        private readonly byte[] _held = new byte[MacLength];
        private int _count;

        public void Append(ReadOnlySpan<byte> chunk)
        {
            var total = _count + chunk.Length;
            if (total <= MacLength)
            {
                chunk.CopyTo(_held.AsSpan(_count));
                _count = total;
                return;
            }
            // Of the held bytes and the chunk, everything but the last 10 is ciphertext.
            var release = total - MacLength;
            var fromHeld = Math.Min(_count, release);
            hmac.AppendData(_held.AsSpan(0, fromHeld));
            var fromChunk = release - fromHeld;
            hmac.AppendData(chunk[..fromChunk]);
            // Keep what is left of the held bytes, then the rest of the chunk: exactly 10 bytes.
            _held.AsSpan(fromHeld, _count - fromHeld).CopyTo(_held);
            chunk[fromChunk..].CopyTo(_held.AsSpan(_count - fromHeld));
            _count = MacLength;
        }

        public byte[] Mac() => _held[.._count];
    }
}

/// <summary>
/// An uploaded file whose hashes and MAC have been verified. Its plaintext is decrypted again as it is read, from
/// the encrypted temp file, which is deleted when this is disposed.
/// </summary>
public sealed class FlowMediaContent : IDisposable, IAsyncDisposable
{
    private readonly FileStream _store;

    internal FlowMediaContent(FlowMediaFile file, FileStream store, long length)
    {
        File = file;
        _store = store;
        Length = length;
    }

    /// <summary>The file as the picker described it.</summary>
    public FlowMediaFile File { get; }

    /// <summary>The decrypted length in bytes.</summary>
    public long Length { get; }

    /// <summary>
    /// A stream of the verified plaintext, from its start. One reader at a time: opening another restarts the
    /// file under the first.
    /// </summary>
    public Stream OpenRead() => Decrypting(_store, File.Encryption);

    /// <summary>Copies the verified plaintext to <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        await using var plaintext = OpenRead();
        await plaintext.CopyToAsync(destination, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    internal static Stream Decrypting(FileStream store, FlowMediaEncryption keys)
    {
        store.Position = 0;
        using var aes = Aes.Create();
        aes.Key = keys.EncryptionKey;
        // CBC and PKCS#7 are Aes' defaults; named here because the protocol fixes them.
        aes.Mode = CipherMode.CBC;
        aes.Padding = PaddingMode.PKCS7;
        return new CryptoStream(store, aes.CreateDecryptor(keys.EncryptionKey, keys.Iv), CryptoStreamMode.Read, leaveOpen: true);
    }
}
