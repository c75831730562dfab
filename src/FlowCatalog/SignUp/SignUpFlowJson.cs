using Backend.Flows.FlowJson;
using static Backend.FlowCatalog.SignUp.SignUpNames;

namespace Backend.FlowCatalog.SignUp;

/// <summary>
/// The Flow JSON of the seeds' sign-up flow as the product serves and uploads it: START, SIGN_UP, LOGIN and
/// LOGIN_SUCCESS, Flow JSON 7.3 and data API 4.0 (the builder's defaults), the password fields declared
/// <c>sensitive</c> so Meta masks them in the chat summary. It is the seed document's flow
/// (<c>tests/TestData/golden/sign-up-flow.json</c>) without the LOGIN → SIGN_UP link that Meta's routing rules
/// reject; the seed's own variants are built from it by the tests (<c>tests/Flows.Tests/FlowJson/SeedFlows.cs</c>).
/// </summary>
public static class SignUpFlowJson
{
    /// <summary>The document.</summary>
    public static FlowJsonDocument Document { get; } = Build();

    // SIGN_UP's data with every value empty: what START's link passes.
    private static Dictionary<string, object?> EmptySignUpData() => new()
    {
        [Data.FirstNameInitial] = "",
        [Data.LastNameInitial] = "",
        [Data.EmailInitial] = "",
        [Data.PasswordInitial] = "",
        [Data.ConfirmPasswordInitial] = "",
    };

    // LOGIN's data with every value empty.
    private static Dictionary<string, object?> EmptyLoginData() => new() { [Data.EmailInitial] = "", [Data.PasswordInitial] = "" };

    private static FlowJsonDocument Build()
    {
        // SIGN_UP's data; the START and LOGIN links pass exactly these keys.
        var firstNameInitial = new ScreenData(Data.FirstNameInitial, "John");
        var lastNameInitial = new ScreenData(Data.LastNameInitial, "Doe");
        var signUpEmailInitial = new ScreenData(Data.EmailInitial, "john.doe@gmail.com");
        var signUpPasswordInitial = new ScreenData(Data.PasswordInitial, "abc123");
        var confirmPasswordInitial = new ScreenData(Data.ConfirmPasswordInitial, "abc123");

        var start = new Screen
        {
            Id = Screens.Start,
            Title = "Home",
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Welcome to our app"),
                    new EmbeddedLink("Click here to sign up", new NavigateAction { Next = Screens.SignUp, Payload = EmptySignUpData() }),
                    new EmbeddedLink("Click here to login", new NavigateAction { Next = Screens.Login, Payload = EmptyLoginData() }),
                ],
            },
        };

        var firstName = new TextInput
        {
            Name = Fields.FirstName, Label = "First Name", InputType = InputType.Text, Required = true,
            InitValue = firstNameInitial.Ref,
        };
        var lastName = new TextInput
        {
            Name = Fields.LastName, Label = "Last Name", InputType = InputType.Text, Required = true,
            InitValue = lastNameInitial.Ref,
        };
        var signUpEmail = new TextInput
        {
            Name = Fields.Email, Label = "Email Address", InputType = InputType.Email, Required = true,
            InitValue = signUpEmailInitial.Ref,
        };
        var password = new TextInput
        {
            Name = Fields.Password, Label = "Password", InputType = InputType.Password, Required = true,
            MinChars = 8, MaxChars = 16, HelperText = "Password must contain at least one number",
            InitValue = signUpPasswordInitial.Ref,
        };
        var confirmPassword = new TextInput
        {
            Name = Fields.ConfirmPassword, Label = "Confirm Password", InputType = InputType.Password, Required = true,
            MinChars = 8, MaxChars = 16, InitValue = confirmPasswordInitial.Ref,
        };
        var signUp = new Screen
        {
            Id = Screens.SignUp,
            Title = "Sign Up",
            Data = [firstNameInitial, lastNameInitial, signUpEmailInitial, signUpPasswordInitial, confirmPasswordInitial],
            Sensitive = [Fields.Password, Fields.ConfirmPassword],
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Please enter your details"),
                    new EmbeddedLink("Already have an account?", new NavigateAction { Next = Screens.Login, Payload = EmptyLoginData() }),
                    new Form
                    {
                        Name = "form",
                        Children =
                        [
                            firstName, lastName, signUpEmail, password, confirmPassword,
                            new Footer
                            {
                                Label = "Done",
                                OnClickAction = new DataExchangeAction
                                {
                                    Payload = new()
                                    {
                                        [Fields.FirstName] = firstName.Ref,
                                        [Fields.LastName] = lastName.Ref,
                                        [Fields.Email] = signUpEmail.Ref,
                                        [Fields.Password] = password.Ref,
                                        [Fields.ConfirmPassword] = confirmPassword.Ref,
                                    },
                                },
                            },
                        ],
                    },
                ],
            },
        };

        var loginEmailInitial = new ScreenData(Data.EmailInitial, "john.doe@gmail.com");
        var loginPasswordInitial = new ScreenData(Data.PasswordInitial, "abc123");
        var loginEmail = new TextInput
        {
            Name = Fields.Email, Label = "Email Address", InputType = InputType.Email, Required = true,
            InitValue = loginEmailInitial.Ref,
        };
        var loginPassword = new TextInput
        {
            Name = Fields.Password, Label = "Password", InputType = InputType.Password, Required = true,
            InitValue = loginPasswordInitial.Ref,
        };
        var login = new Screen
        {
            Id = Screens.Login,
            Title = "Login",
            Data = [loginEmailInitial, loginPasswordInitial],
            Terminal = true,
            Sensitive = [Fields.Password],
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Please enter your details"),
                    new Form
                    {
                        Name = "form",
                        Children =
                        [
                            loginEmail,
                            loginPassword,
                            new Footer
                            {
                                Label = "Done",
                                OnClickAction = new DataExchangeAction
                                {
                                    Payload = new() { [Fields.Email] = loginEmail.Ref, [Fields.Password] = loginPassword.Ref },
                                },
                            },
                        ],
                    },
                ],
            },
        };

        var stayLoggedIn = new OptIn { Name = Fields.StayLoggedIn, Label = "Stay logged in" };
        var loginSuccess = new Screen
        {
            Id = Screens.LoginSuccess,
            Title = "Success",
            Terminal = true,
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Welcome to our store"),
                    new TextSubheading("You are now logged in"),
                    new Form
                    {
                        Name = "form",
                        Children =
                        [
                            stayLoggedIn,
                            new Footer
                            {
                                Label = "Done",
                                OnClickAction = new CompleteAction { Payload = new() { [Fields.StayLoggedIn] = stayLoggedIn.Ref } },
                            },
                        ],
                    },
                ],
            },
        };

        return new FlowJsonDocument { Screens = [start, signUp, login, loginSuccess] }.WithEndpoint(
            new Dictionary<string, IReadOnlyList<string>>
            {
                [Screens.Start] = [Screens.SignUp, Screens.Login],
                [Screens.SignUp] = [Screens.Login],
                [Screens.Login] = [Screens.LoginSuccess],
                [Screens.LoginSuccess] = [],
            });
    }
}
