using Backend.Grains;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Backend.Api.Faults;

/// <summary>
/// Failures of the server's own making that a retry can fix: state not saved, the database or a silo unreachable,
/// a grain call that timed out. They answer 503 with <c>Retry-After</c>, never 500 and never 200 from unsaved state.
/// </summary>
public static class TransientFault
{
    /// <summary>Seconds a client should wait before retrying.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Answers failed requests as problem details: 503 with <c>Retry-After</c> for our own transient faults.</summary>
    public static IHostApplicationBuilder AddTransientFaultAnswers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<TransientFaultHandler>();
        return builder;
    }

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) is transient.</summary>
    public static bool Is(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            // OrleansException is the runtime's own failure (a silo lost, a message rejected, a directory in
            // flux while membership changes), never a grain's answer: a retry reaches a healthy silo.
            if (ex is StateNotSavedException or NpgsqlException or TimeoutException or OrleansException)
            {
                return true;
            }
            if (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(Is))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// Answers the Api's own routes (admin, webhook) with problem details when a request fails: the client's own
/// error (a body that does not bind) keeps its 4xx, a transient fault gets 503 with <c>Retry-After</c>, anything
/// else 500; never an exception's text or stack.
/// </summary>
internal sealed partial class TransientFaultHandler(IProblemDetailsService problems, ILogger<TransientFaultHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            http.Response.StatusCode = badRequest.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = badRequest.StatusCode, Title = "The request could not be read." },
            });
        }
        var transient = TransientFault.Is(exception);
        LogFailed(logger, http.Request.Path, transient, exception.GetType().Name);
        http.Response.StatusCode = transient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        if (transient)
        {
            http.Response.Headers.RetryAfter = TransientFault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = http.Response.StatusCode,
                Title = transient ? "Temporarily unavailable; retry shortly." : "The server failed to process the request.",
            },
        });
    }

    [LoggerMessage(70, LogLevel.Warning, "Request to {Path} failed (transient: {Transient}): {ExceptionType}")]
    private static partial void LogFailed(ILogger logger, PathString path, bool transient, string exceptionType);
}
