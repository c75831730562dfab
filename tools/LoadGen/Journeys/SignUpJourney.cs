using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Backend.LoadGen.Meta;
using Backend.LoadGen.Measurement;

namespace Backend.LoadGen.Journeys;

/// <summary>A user an earlier journey of the run registered, for the duplicate-email branch.</summary>
internal sealed record RegisteredUser(string Email, string Password);

/// <summary>
/// The last users registered in this run (a fixed ring, written and read without locks), from which the
/// duplicate-email branch picks an email that is certainly taken.
/// </summary>
internal sealed class RegisteredUsers
{
    private readonly RegisteredUser?[] _ring = new RegisteredUser?[1024];
    private long _next;

    public void Add(RegisteredUser user) => Volatile.Write(ref _ring[(Interlocked.Increment(ref _next) - 1) % _ring.Length], user);

    public RegisteredUser? Pick()
    {
        var count = Math.Min(Interlocked.Read(ref _next), _ring.Length);
        return count == 0 ? null : Volatile.Read(ref _ring[Random.Shared.NextInt64(count)]);
    }
}

/// <summary>
/// One virtual user's sign-up, as Meta and the WhatsApp client would drive it: (issued token,) INIT, SIGN_UP (with
/// the configured shares of duplicate-email and password-mismatch branches), LOGIN (with a share of wrong passwords
/// first), the signed completion webhook, and a last request on the completed token that must answer 427.
/// Every answer is decrypted and compared with what the sign-up flow must answer.
/// </summary>
internal sealed class SignUpJourney(LoadOptions options, RegisteredUsers registered)
{
    private const string AlreadyRegistered = "You are already registered. Please login";
    private const string PasswordsDoNotMatch = "Passwords do not match";
    private const string IncorrectPassword = "Incorrect password";
    private const string BusinessNumber = "15550000000";
    private const string PhoneNumberId = "100000000000001";
    private const string BusinessAccountId = "100000000000002";

    private readonly int _runNumber = (int)(BitConverter.ToUInt32(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(options.RunId)), 0) % 100_000);

    /// <summary>Runs journey number <paramref name="n"/>; false when any step failed (the failure is recorded).</summary>
    public async Task<bool> RunAsync(MetaCaller caller, long n, long intendedStart)
    {
        var (email, password, firstName, lastName) = Person(n);
        var waId = WaId(n);

        var start = intendedStart;
        if (await OpenSessionAsync(caller, waId, start) is not { } token)
        {
            return false;
        }
        if (options.AdminToken is not null)
        {
            start = Stopwatch.GetTimestamp();
        }

        WriteRequest(caller, "INIT", null, token, null);
        if (!await caller.ExchangeAsync(Step.Init, start, ExpectedAnswer.Screen("START", new JsonObject()), password))
        {
            return false;
        }

        var draw = Random.Shared.NextDouble();
        var loginEmail = email;
        var loginPassword = password;
        if (draw < options.DuplicateShare && registered.Pick() is { } earlier)
        {
            WriteRequest(caller, "data_exchange", "SIGN_UP", token, SignUpData(firstName, lastName, earlier.Email, password, password));
            var duplicate = ExpectedAnswer.Screen("LOGIN", new JsonObject
            {
                ["email_initial_value"] = earlier.Email,
                ["password_initial_value"] = "",
                ["error_message"] = AlreadyRegistered,
            });
            if (!await caller.ExchangeAsync(Step.SignUpDuplicate, Stopwatch.GetTimestamp(), duplicate, password))
            {
                return false;
            }
            (loginEmail, loginPassword) = (earlier.Email, earlier.Password);
        }
        else
        {
            if (draw >= options.DuplicateShare && draw < options.DuplicateShare + options.MismatchShare
                && !await SubmitMismatchAsync(caller, token, n, Stopwatch.GetTimestamp()))
            {
                return false;
            }
            WriteRequest(caller, "data_exchange", "SIGN_UP", token, SignUpData(firstName, lastName, email, password, password));
            var signedUp = ExpectedAnswer.Screen("LOGIN", new JsonObject { ["email_initial_value"] = email, ["password_initial_value"] = "" });
            if (!await caller.ExchangeAsync(Step.SignUp, Stopwatch.GetTimestamp(), signedUp, password))
            {
                return false;
            }
            registered.Add(new RegisteredUser(email, password));
        }

        if (Random.Shared.NextDouble() < options.WrongPasswordShare)
        {
            var wrong = loginPassword + "-wrong1";
            WriteRequest(caller, "data_exchange", "LOGIN", token, LoginData(loginEmail, wrong));
            var refused = ExpectedAnswer.Screen("LOGIN", new JsonObject
            {
                ["email_initial_value"] = loginEmail,
                ["password_initial_value"] = "",
                ["error_message"] = IncorrectPassword,
            });
            if (!await caller.ExchangeAsync(Step.LoginWrongPassword, Stopwatch.GetTimestamp(), refused, loginPassword))
            {
                return false;
            }
        }

        WriteRequest(caller, "data_exchange", "LOGIN", token, LoginData(loginEmail, loginPassword));
        if (!await caller.ExchangeAsync(Step.Login, Stopwatch.GetTimestamp(), ExpectedAnswer.Screen("LOGIN_SUCCESS", new JsonObject()), loginPassword))
        {
            return false;
        }

        // Without the app secret the webhook cannot be signed, so completion (and the token's closing) is not driven.
        if (options.AppSecret is null)
        {
            return true;
        }
        WriteCompletionWebhook(caller, token, waId, firstName, lastName, n);
        if (!await caller.PostWebhookAsync(Stopwatch.GetTimestamp()))
        {
            return false;
        }

        WriteRequest(caller, "data_exchange", "LOGIN", token, LoginData(loginEmail, loginPassword));
        return await caller.ExchangeAsync(Step.ClosedCheck, Stopwatch.GetTimestamp(), new ExpectedAnswer(427, null), loginPassword);
    }

    /// <summary>
    /// Step mode's operation <paramref name="n"/>: one SIGN_UP with mismatched passwords on the caller's session (opened on
    /// its first operation), answered with the SIGN_UP screen again. The session grain runs and writes its state, the
    /// flow looks the (never registered) email up, and nothing is hashed.
    /// </summary>
    public async Task<bool> StepAsync(MetaCaller caller, long n, long intendedStart)
    {
        var start = intendedStart;
        if (caller.SessionToken is null)
        {
            if (await OpenSessionAsync(caller, WaId(n), start) is not { } token)
            {
                return false;
            }
            caller.SessionToken = token;
            caller.SessionNumber = n;
            if (options.AdminToken is not null)
            {
                start = Stopwatch.GetTimestamp();
            }
        }
        // One person per session, as a user who keeps correcting the same form: the step is the session's work
        // (its grain, its Postgres write, the existence check of an email already looked up), not new accounts.
        return await SubmitMismatchAsync(caller, caller.SessionToken, caller.SessionNumber, start);
    }

    /// <summary>A flow token: issued by the admin API when there is an admin token (null if that failed), random otherwise.</summary>
    private async Task<string?> OpenSessionAsync(MetaCaller caller, string waId, long start) =>
        options.AdminToken is not null
            ? await caller.IssueTokenAsync(waId, start)
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>SIGN_UP with a confirmation unlike the password: the flow must ask again, keeping names and email.</summary>
    private async Task<bool> SubmitMismatchAsync(MetaCaller caller, string token, long n, long start)
    {
        var (email, password, firstName, lastName) = Person(n);
        WriteRequest(caller, "data_exchange", "SIGN_UP", token, SignUpData(firstName, lastName, email, password, password + "x"));
        var mismatch = ExpectedAnswer.Screen("SIGN_UP", new JsonObject
        {
            ["first_name_initial_value"] = firstName,
            ["last_name_initial_value"] = lastName,
            ["email_initial_value"] = email,
            ["password_initial_value"] = "",
            ["confirm_password_initial_value"] = "",
            ["error_message"] = PasswordsDoNotMatch,
        });
        return await caller.ExchangeAsync(Step.SignUpMismatch, start, mismatch, password);
    }

    private string WaId(long n) => string.Create(CultureInfo.InvariantCulture, $"1{_runNumber:D5}{n % 1_000_000_000:D9}");

    /// <summary>Virtual user <paramref name="n"/>'s details; the password is random, so each call gives a fresh one.</summary>
    private (string Email, string Password, string FirstName, string LastName) Person(long n) => (
        string.Create(CultureInfo.InvariantCulture, $"user-{options.RunId}-{n}@load.test"),
        string.Create(CultureInfo.InvariantCulture, $"Pw{n}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}"),
        "Load",
        string.Create(CultureInfo.InvariantCulture, $"User{n}"));

    private static (string Key, string Value)[] SignUpData(string first, string last, string email, string password, string confirm) =>
        [("first_name", first), ("last_name", last), ("email", email), ("password", password), ("confirm_password", confirm)];

    private static (string Key, string Value)[] LoginData(string email, string password) =>
        [("email", email), ("password", password)];

    private static void WriteRequest(MetaCaller caller, string action, string? screen, string token, (string Key, string Value)[]? data)
    {
        var writer = caller.BeginPayload();
        writer.WriteStartObject();
        writer.WriteString("version", "3.0");
        writer.WriteString("action", action);
        if (screen is not null)
        {
            writer.WriteString("screen", screen);
        }
        writer.WriteString("flow_token", token);
        if (data is not null)
        {
            writer.WriteStartObject("data");
            foreach (var (key, value) in data)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>The Cloud API <c>messages</c> webhook Meta sends when the user completes the flow.</summary>
    private static void WriteCompletionWebhook(MetaCaller caller, string token, string waId, string first, string last, long n)
    {
        var responseJson = new JsonObject { ["flow_token"] = token, ["stay_logged_in"] = true }.ToJsonString();
        var writer = caller.BeginPayload();
        writer.WriteStartObject();
        writer.WriteString("object", "whatsapp_business_account");
        writer.WriteStartArray("entry");
        writer.WriteStartObject();
        writer.WriteString("id", BusinessAccountId);
        writer.WriteStartArray("changes");
        writer.WriteStartObject();
        writer.WriteString("field", "messages");
        writer.WriteStartObject("value");
        writer.WriteString("messaging_product", "whatsapp");
        writer.WriteStartObject("metadata");
        writer.WriteString("display_phone_number", BusinessNumber);
        writer.WriteString("phone_number_id", PhoneNumberId);
        writer.WriteEndObject();
        writer.WriteStartArray("contacts");
        writer.WriteStartObject();
        writer.WriteStartObject("profile");
        writer.WriteString("name", $"{first} {last}");
        writer.WriteEndObject();
        writer.WriteString("wa_id", waId);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartArray("messages");
        writer.WriteStartObject();
        writer.WriteStartObject("context");
        writer.WriteString("from", BusinessNumber);
        writer.WriteString("id", "wamid." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        writer.WriteEndObject();
        writer.WriteString("from", waId);
        writer.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"wamid.load{n}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}"));
        writer.WriteString("timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        writer.WriteString("type", "interactive");
        writer.WriteStartObject("interactive");
        writer.WriteString("type", "nfm_reply");
        writer.WriteStartObject("nfm_reply");
        writer.WriteString("name", "flow");
        writer.WriteString("body", "Sent");
        writer.WriteString("response_json", responseJson);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
