using Backend.Flows.FlowJson;

namespace Backend.Flows.Tests.FlowJson;

/// <summary>The seeds' three flows, written with the builder as directly as PyWa's Python.</summary>
public static class SeedFlows
{
    public static FlowJsonDocument StaticSignUp()
    {
        var firstName = new TextInput { Name = "first_name", Label = "First Name", InputType = InputType.Text, Required = true };
        var lastName = new TextInput { Name = "last_name", Label = "Last Name", InputType = InputType.Text, Required = true };
        var email = new TextInput { Name = "email", Label = "Email Address", InputType = InputType.Email, Required = true };
        return new FlowJsonDocument
        {
            Version = "3.0",
            Screens =
            [
                new Screen
                {
                    Id = "SIGN_UP",
                    Title = "Finish Sign Up",
                    Terminal = true,
                    Layout = new Layout
                    {
                        Children =
                        [
                            new Form
                            {
                                Name = "form",
                                Children =
                                [
                                    firstName,
                                    lastName,
                                    email,
                                    new Footer
                                    {
                                        Label = "Done",
                                        Enabled = true,
                                        OnClickAction = new CompleteAction
                                        {
                                            Payload = new()
                                            {
                                                ["first_name"] = firstName.Ref,
                                                ["last_name"] = lastName.Ref,
                                                ["email"] = email.Ref,
                                            },
                                        },
                                    },
                                ],
                            },
                        ],
                    },
                },
            ],
        };
    }

    public static FlowJsonDocument DynamicSignUp()
    {
        var firstNameHelperText = new ScreenData("first_name_helper_text", "Enter your first name");
        var isLastNameRequired = new ScreenData("is_last_name_required", true);
        var isEmailEnabled = new ScreenData("is_email_enabled", false);

        var firstName = new TextInput
        {
            Name = "first_name", Label = "First Name", InputType = InputType.Text, Required = true,
            HelperText = firstNameHelperText.Ref,
        };
        var lastName = new TextInput
        {
            Name = "last_name", Label = "Last Name", InputType = InputType.Text, Required = isLastNameRequired.Ref,
        };
        var email = new TextInput
        {
            Name = "email", Label = "Email Address", InputType = InputType.Email, Enabled = isEmailEnabled.Ref,
        };
        return new FlowJsonDocument
        {
            Version = "3.0",
            DataApiVersion = "3.0",
            RoutingModel = new Dictionary<string, IReadOnlyList<string>>(),
            Screens =
            [
                new Screen
                {
                    Id = "SIGN_UP",
                    Title = "Finish Sign Up",
                    Data = [firstNameHelperText, isLastNameRequired, isEmailEnabled],
                    Terminal = true,
                    Layout = new Layout
                    {
                        Children =
                        [
                            new Form
                            {
                                Name = "form",
                                Children =
                                [
                                    firstName,
                                    lastName,
                                    email,
                                    new Footer
                                    {
                                        Label = "Done",
                                        OnClickAction = new CompleteAction
                                        {
                                            Payload = new()
                                            {
                                                ["first_name"] = firstName.Ref,
                                                ["last_name"] = lastName.Ref,
                                                ["email"] = email.Ref,
                                            },
                                        },
                                    },
                                ],
                            },
                        ],
                    },
                },
            ],
        };
    }

    /// <summary>The seeds' sign-up flow as documented (LOGIN links back to SIGN_UP).</summary>
    public static FlowJsonDocument SignUp() => SignUpFlow(withLinkBackToSignUp: true);

    /// <summary>The corrected sign-up flow: LOGIN no longer navigates back to SIGN_UP (Back does that).</summary>
    public static FlowJsonDocument SignUpCorrected() => SignUpFlow(withLinkBackToSignUp: false);

    private static FlowJsonDocument SignUpFlow(bool withLinkBackToSignUp)
    {
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
            Layout = new Layout
            {
                Children = withLinkBackToSignUp
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

        return new FlowJsonDocument
        {
            Version = "3.0",
            DataApiVersion = "3.0",
            RoutingModel = new Dictionary<string, IReadOnlyList<string>>
            {
                ["START"] = ["SIGN_UP", "LOGIN"],
                ["SIGN_UP"] = ["LOGIN"],
                ["LOGIN"] = ["LOGIN_SUCCESS"],
                ["LOGIN_SUCCESS"] = [],
            },
            Screens = [start, signUp, login, loginSuccess],
        };
    }
}
