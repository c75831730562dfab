using Microsoft.Extensions.Options;

namespace Backend.ServiceDefaults;

/// <summary>A process refuses to start: a setting is missing or invalid, a key cannot be read. The message says which.</summary>
public sealed class StartupRefusedException : Exception
{
    public StartupRefusedException()
    {
    }

    public StartupRefusedException(string message) : base(message)
    {
    }

    public StartupRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// Makes a start-up refusal end the process with exit code 2 and one clear line on standard error, instead of an
/// unhandled exception's stack trace and exit code 134. Other unhandled exceptions keep the runtime's report.
/// In-process hosts (functional tests) still see the exception itself: they handle it, so it is never unhandled.
/// </summary>
public static class StartupRefusal
{
    /// <summary>The exit code of a refusal.</summary>
    public const int ExitCode = 2;

    private static int s_registered;

    /// <summary>Call first in a host's <c>Program</c>.</summary>
    public static void ExitOnRefusal()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            {
                if (e.ExceptionObject is Exception ex && Refusal(ex) is { } reason)
                {
                    Console.Error.WriteLine($"Start-up refused: {reason}");
                    Console.Error.Flush();
                    Environment.Exit(ExitCode);
                }
            };
        }
    }

    // The refusal's own message, however deep the host wrapped it.
    private static string? Refusal(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case StartupRefusedException refused:
                    return refused.Message;
                case OptionsValidationException invalid:
                    return string.Join(" ", invalid.Failures);
            }
        }
        return null;
    }
}
