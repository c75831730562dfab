using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Flows.FlowJson;
using Backend.Flows.Routing;
using Orleans.Storage;

namespace Backend.Grains.Flows;

/// <summary>
/// The seeds' sign-up and login flow. Handlers as in PyWa's example: first matching route wins, in this order.
/// Passwords never leave the request: they are hashed by <see cref="IUserGrain"/> and never echoed back.
/// </summary>
public sealed class SignUpFlow(IGrainFactory grains) : FlowDefinition
{
    /// <summary>The flow's endpoint name: <c>POST /flows/sign_up</c>.</summary>
    public const string FlowName = "sign_up";

    /// <summary>The Flow JSON the product serves (also for tools that upload it without hosting the flow).</summary>
    public static FlowJsonDocument Json { get; } = SignUpFlowJson.Build(SignUpFlowVariant.Product);

    public override string Name => FlowName;

    public override FlowJsonDocument FlowJson => Json;

    // The golden (3.0) flow cannot declare `sensitive`; the product treats these as sensitive in every variant.
    protected override IEnumerable<string> AdditionalSensitiveFields => ["password", "confirm_password"];

    protected override void Configure(FlowRouter router) => router
        .On(FlowRequestAction.Init, null, c => c.Screen("START", []))
        .OnSubmit("SIGN_UP", InvalidEmail, when: c => !EmailAddress.IsPlausible(c.Text("email")))
        .OnSubmit("SIGN_UP", AlreadyRegistered, when: async c => await User(c).IsTakenByAnother(c.FlowToken))
        .OnSubmit("SIGN_UP", c => SignUpAgain(c, "Passwords do not match"), when: c => c.Text("password") != c.Text("confirm_password"))
        .OnSubmit("SIGN_UP", c => SignUpAgain(c, "Password must contain at least one number"), when: c => !c.Text("password").Any(char.IsAsciiDigit))
        .OnSubmit("SIGN_UP", Register)
        .OnSubmit("LOGIN", NotRegistered, when: async c => !EmailAddress.IsPlausible(c.Text("email")) || !await User(c).Exists())
        .OnSubmit("LOGIN", c => Login(c, "Incorrect password"), when: async c => !await User(c).VerifyPassword(c.Text("password")))
        .OnSubmit("LOGIN", c => c.Screen("LOGIN_SUCCESS", []));

    private IUserGrain User(FlowRequestContext context) => grains.GetUser(context.Text("email"));

    private static ValueTask<FlowResponse> AlreadyRegistered(FlowRequestContext context) =>
        Login(context, "You are already registered. Please login");

    private async ValueTask<FlowResponse> Register(FlowRequestContext context)
    {
        var registration = new Registration(context.Text("first_name"), context.Text("last_name"), context.Text("email"),
            context.Text("password"), RequestId: context.FlowToken);
        var result = await RetryOnce(() => User(context).Register(registration));
        // Lost a race with a concurrent sign-up of the same email: the same answer as the seed's first branch.
        return result.Outcome == RegistrationOutcome.AlreadyRegistered
            ? await AlreadyRegistered(context)
            : await Login(context, errorMessage: null);
    }

    // Another activation wrote the account first (a cluster healing from a partition): the retry re-reads it.
    private static async Task<T> RetryOnce<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InconsistentStateException)
        {
            return await call();
        }
    }

    private static ValueTask<FlowResponse> InvalidEmail(FlowRequestContext context) =>
        SignUpAgain(context, "Please enter a valid email address");

    private static ValueTask<FlowResponse> NotRegistered(FlowRequestContext context) =>
        context.Screen("SIGN_UP", SignUpData("", "", context.Text("email")), "You are not registered. Please sign up");

    private static ValueTask<FlowResponse> SignUpAgain(FlowRequestContext context, string errorMessage) =>
        context.Screen("SIGN_UP", SignUpData(context.Text("first_name"), context.Text("last_name"), context.Text("email")), errorMessage);

    private static ValueTask<FlowResponse> Login(FlowRequestContext context, string? errorMessage) =>
        context.Screen("LOGIN", new JsonObject { ["email_initial_value"] = context.Text("email"), ["password_initial_value"] = "" }, errorMessage);

    private static JsonObject SignUpData(string firstName, string lastName, string email) => new()
    {
        ["first_name_initial_value"] = firstName,
        ["last_name_initial_value"] = lastName,
        ["email_initial_value"] = email,
        ["password_initial_value"] = "",
        ["confirm_password_initial_value"] = "",
    };
}
