using Backend.Flows.FlowJson;

namespace Backend.Grains.Flows;

/// <summary>Which form of the seeds' sign-up Flow JSON to build.</summary>
public enum SignUpFlowVariant
{
    /// <summary>
    /// Exactly the seed document's flow (<c>tests/TestData/golden/sign-up-flow.json</c>, from the shared golden files), version 3.0, including the
    /// LOGIN → SIGN_UP link that Meta's routing rules reject.
    /// </summary>
    Seed,

    /// <summary>The seed's flow without the LOGIN → SIGN_UP link (the Back button returns there), version 3.0.</summary>
    Corrected,

    /// <summary>
    /// What the product serves and uploads: <see cref="Corrected"/> at the builder's defaults, Flow JSON 7.3
    /// (3.0 can no longer be published) and data API 4.0, with the password fields declared <c>sensitive</c> so
    /// Meta masks them in the chat summary.
    /// </summary>
    Product,
}

/// <summary>The Flow JSON of the seeds' sign-up flow: START, SIGN_UP, LOGIN and LOGIN_SUCCESS.</summary>
public static class SignUpFlowJson
{
    /// <summary>Builds the flow in the given variant.</summary>
    public static FlowJsonDocument Build(SignUpFlowVariant variant)
    {
        var product = variant == SignUpFlowVariant.Product;
        string[]? passwords = product ? ["password", "confirm_password"] : null;

        // SIGN_UP's data; the START and LOGIN links pass exactly these keys.
        var firstNameInitial = new ScreenData("first_name_initial_value", "John");
        var lastNameInitial = new ScreenData("last_name_initial_value", "Doe");
        var signUpEmailInitial = new ScreenData("email_initial_value", "john.doe@gmail.com");
        var signUpPasswordInitial = new ScreenData("password_initial_value", "abc123");
        var confirmPasswordInitial = new ScreenData("confirm_password_initial_value", "abc123");

        var start = new Screen
        {
            Id = "START",
            Title = "Home",
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Welcome to our app"),
                    new EmbeddedLink("Click here to sign up", new NavigateAction
                    {
                        Next = "SIGN_UP",
                        Payload = new()
                        {
                            ["first_name_initial_value"] = "",
                            ["last_name_initial_value"] = "",
                            ["email_initial_value"] = "",
                            ["password_initial_value"] = "",
                            ["confirm_password_initial_value"] = "",
                        },
                    }),
                    new EmbeddedLink("Click here to login", new NavigateAction
                    {
                        Next = "LOGIN",
                        Payload = new() { ["email_initial_value"] = "", ["password_initial_value"] = "" },
                    }),
                ],
            },
        };

        var firstName = new TextInput
        {
            Name = "first_name", Label = "First Name", InputType = InputType.Text, Required = true,
            InitValue = firstNameInitial.Ref,
        };
        var lastName = new TextInput
        {
            Name = "last_name", Label = "Last Name", InputType = InputType.Text, Required = true,
            InitValue = lastNameInitial.Ref,
        };
        var signUpEmail = new TextInput
        {
            Name = "email", Label = "Email Address", InputType = InputType.Email, Required = true,
            InitValue = signUpEmailInitial.Ref,
        };
        var password = new TextInput
        {
            Name = "password", Label = "Password", InputType = InputType.Password, Required = true,
            MinChars = 8, MaxChars = 16, HelperText = "Password must contain at least one number",
            InitValue = signUpPasswordInitial.Ref,
        };
        var confirmPassword = new TextInput
        {
            Name = "confirm_password", Label = "Confirm Password", InputType = InputType.Password, Required = true,
            MinChars = 8, MaxChars = 16, InitValue = confirmPasswordInitial.Ref,
        };
        var signUp = new Screen
        {
            Id = "SIGN_UP",
            Title = "Sign Up",
            Data = [firstNameInitial, lastNameInitial, signUpEmailInitial, signUpPasswordInitial, confirmPasswordInitial],
            Sensitive = passwords,
            Layout = new Layout
            {
                Children =
                [
                    new TextHeading("Please enter your details"),
                    new EmbeddedLink("Already have an account?", new NavigateAction
                    {
                        Next = "LOGIN",
                        Payload = new() { ["email_initial_value"] = "", ["password_initial_value"] = "" },
                    }),
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
                                        ["first_name"] = firstName.Ref,
                                        ["last_name"] = lastName.Ref,
                                        ["email"] = signUpEmail.Ref,
                                        ["password"] = password.Ref,
                                        ["confirm_password"] = confirmPassword.Ref,
                                    },
                                },
                            },
                        ],
                    },
                ],
            },
        };

        var loginEmailInitial = new ScreenData("email_initial_value", "john.doe@gmail.com");
        var loginPasswordInitial = new ScreenData("password_initial_value", "abc123");
        var loginEmail = new TextInput
        {
            Name = "email", Label = "Email Address", InputType = InputType.Email, Required = true,
            InitValue = loginEmailInitial.Ref,
        };
        var loginPassword = new TextInput
        {
            Name = "password", Label = "Password", InputType = InputType.Password, Required = true,
            InitValue = loginPasswordInitial.Ref,
        };
        var loginForm = new Form
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
                        Payload = new() { ["email"] = loginEmail.Ref, ["password"] = loginPassword.Ref },
                    },
                },
            ],
        };
        var backToSignUp = new EmbeddedLink("Don't have an account?", new NavigateAction
        {
            Next = signUp,
            Payload = new()
            {
                ["email_initial_value"] = "",
                ["password_initial_value"] = "",
                ["confirm_password_initial_value"] = "",
                ["first_name_initial_value"] = "",
                ["last_name_initial_value"] = "",
            },
        });
        var login = new Screen
        {
            Id = "LOGIN",
            Title = "Login",
            Data = [loginEmailInitial, loginPasswordInitial],
            Terminal = true,
            Sensitive = product ? ["password"] : null,
            Layout = new Layout
            {
                Children = variant == SignUpFlowVariant.Seed
                    ? [new TextHeading("Please enter your details"), backToSignUp, loginForm]
                    : [new TextHeading("Please enter your details"), loginForm],
            },
        };

        var stayLoggedIn = new OptIn { Name = "stay_logged_in", Label = "Stay logged in" };
        var loginSuccess = new Screen
        {
            Id = "LOGIN_SUCCESS",
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
                                OnClickAction = new CompleteAction
                                {
                                    Payload = new() { ["stay_logged_in"] = stayLoggedIn.Ref },
                                },
                            },
                        ],
                    },
                ],
            },
        };

        var flow = new FlowJsonDocument { Screens = [start, signUp, login, loginSuccess] }.WithEndpoint(
            new Dictionary<string, IReadOnlyList<string>>
            {
                ["START"] = ["SIGN_UP", "LOGIN"],
                ["SIGN_UP"] = ["LOGIN"],
                ["LOGIN"] = ["LOGIN_SUCCESS"],
                ["LOGIN_SUCCESS"] = [],
            });
        // The product takes the builder's defaults (Flow JSON 7.3, data API 4.0). The seed and its correction stay
        // pinned to the seed document's versions (3.0 and 3.0) on purpose: the golden file is the seeds' own JSON.
        return product ? flow : flow with { Version = "3.0", DataApiVersion = "3.0" };
    }
}
