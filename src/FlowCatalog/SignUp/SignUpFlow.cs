using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.Flows.FlowJson;
using Backend.Flows.Routing;
using Backend.Grains;
using Orleans.Storage;
using static Backend.FlowCatalog.SignUp.SignUpNames;

namespace Backend.FlowCatalog.SignUp;

/// <summary>
/// The seeds' sign-up and login flow. Handlers as in PyWa's example: first matching route wins, in this order.
/// Passwords never leave the request: they are hashed by <see cref="IUserGrain"/> and never echoed back.
/// </summary>
public sealed class SignUpFlow(IGrainFactory grains) : FlowDefinition
{
    public override string Name => Flow;

    public override FlowJsonDocument FlowJson => SignUpFlowJson.Document;

    // Declared sensitive in the Flow JSON too; kept here so a version without `sensitive` would still protect them.
    protected override IEnumerable<string> AdditionalSensitiveFields => [Fields.Password, Fields.ConfirmPassword];

    protected override void Configure(FlowRouter router) => router
        .On(FlowRequestAction.Init, null, c => c.Screen(Screens.Start, []))
        .OnSubmit(Screens.SignUp, InvalidEmail, when: c => !EmailAddress.IsPlausible(c.Text(Fields.Email)))
        .OnSubmit(Screens.SignUp, AlreadyRegistered, when: async c => await User(c).IsTakenByAnother(c.FlowToken))
        .OnSubmit(Screens.SignUp, c => SignUpAgain(c, "Passwords do not match"), when: c => c.Text(Fields.Password) != c.Text(Fields.ConfirmPassword))
        .OnSubmit(Screens.SignUp, c => SignUpAgain(c, "Password must contain at least one number"), when: c => !c.Text(Fields.Password).Any(char.IsAsciiDigit))
        .OnSubmit(Screens.SignUp, Register)
        .OnSubmit(Screens.Login, NotRegistered, when: async c => !EmailAddress.IsPlausible(c.Text(Fields.Email)) || !await User(c).Exists())
        .OnSubmit(Screens.Login, c => Login(c, "Incorrect password"), when: async c => !await User(c).VerifyPassword(c.Text(Fields.Password)))
        .OnSubmit(Screens.Login, c => c.Screen(Screens.LoginSuccess, []));

    private IUserGrain User(FlowRequestContext context) => grains.GetUser(context.Text(Fields.Email));

    private static ValueTask<FlowResponse> AlreadyRegistered(FlowRequestContext context) =>
        Login(context, "You are already registered. Please login");

    private async ValueTask<FlowResponse> Register(FlowRequestContext context)
    {
        var registration = new Registration(context.Text(Fields.FirstName), context.Text(Fields.LastName), context.Text(Fields.Email),
            context.Text(Fields.Password), RequestId: context.FlowToken);
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
        context.Screen(Screens.SignUp, SignUpData("", "", context.Text(Fields.Email)), "You are not registered. Please sign up");

    private static ValueTask<FlowResponse> SignUpAgain(FlowRequestContext context, string errorMessage) =>
        context.Screen(Screens.SignUp, SignUpData(context.Text(Fields.FirstName), context.Text(Fields.LastName), context.Text(Fields.Email)), errorMessage);

    private static ValueTask<FlowResponse> Login(FlowRequestContext context, string? errorMessage) =>
        context.Screen(Screens.Login, new JsonObject { [Data.EmailInitial] = context.Text(Fields.Email), [Data.PasswordInitial] = "" }, errorMessage);

    private static JsonObject SignUpData(string firstName, string lastName, string email) => new()
    {
        [Data.FirstNameInitial] = firstName,
        [Data.LastNameInitial] = lastName,
        [Data.EmailInitial] = email,
        [Data.PasswordInitial] = "",
        [Data.ConfirmPasswordInitial] = "",
    };
}
