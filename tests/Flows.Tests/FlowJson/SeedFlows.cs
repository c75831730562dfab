using Backend.Grains.Flows;
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

    /// <summary>The seeds' sign-up flow as documented (LOGIN links back to SIGN_UP), as the product builds it.</summary>
    public static FlowJsonDocument SignUp() => SignUpFlowJson.Build(SignUpFlowVariant.Seed);

    /// <summary>The corrected sign-up flow: LOGIN no longer navigates back to SIGN_UP (Back does that).</summary>
    public static FlowJsonDocument SignUpCorrected() => SignUpFlowJson.Build(SignUpFlowVariant.Corrected);
}
