using Backend.FlowCatalog.SignUp;
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

    /// <summary>
    /// The seeds' sign-up flow as documented (<c>tests/TestData/golden/sign-up-flow.json</c>): the corrected flow
    /// with LOGIN's link back to SIGN_UP, which Meta's routing rules reject (a backward route).
    /// </summary>
    public static FlowJsonDocument SignUp()
    {
        var corrected = SignUpCorrected();
        var backToSignUp = new EmbeddedLink("Don't have an account?", new NavigateAction
        {
            Next = corrected.Screens.Single(s => s.Id == SignUpNames.Screens.SignUp),
            Payload = new()
            {
                [SignUpNames.Data.EmailInitial] = "",
                [SignUpNames.Data.PasswordInitial] = "",
                [SignUpNames.Data.ConfirmPasswordInitial] = "",
                [SignUpNames.Data.FirstNameInitial] = "",
                [SignUpNames.Data.LastNameInitial] = "",
            },
        });
        return corrected with
        {
            Screens = [.. corrected.Screens.Select(s => s.Id != SignUpNames.Screens.Login ? s : s with
            {
                Layout = s.Layout with { Children = [s.Layout.Children[0], backToSignUp, .. s.Layout.Children.Skip(1)] },
            })],
        };
    }

    /// <summary>
    /// The corrected sign-up flow (LOGIN no longer navigates back to SIGN_UP; Back does that) at the seed document's
    /// versions (Flow JSON 3.0, data API 3.0, which have no <c>sensitive</c>): the product's flow
    /// (<see cref="SignUpFlowJson.Document"/>, 7.3) pinned back to them.
    /// </summary>
    public static FlowJsonDocument SignUpCorrected()
    {
        var product = SignUpFlowJson.Document;
        return product with
        {
            Version = "3.0",
            DataApiVersion = "3.0",
            Screens = [.. product.Screens.Select(s => s with { Sensitive = null })],
        };
    }
}
