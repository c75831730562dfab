using Backend.Flows.FlowJson;
using Backend.Flows.Routing;

namespace Backend.Flows.Tests.Routing;

public sealed class FlowDefinitionTests
{
    private sealed class UploadFlow : FlowDefinition
    {
        public override string Name => "upload";

        public override FlowJsonDocument FlowJson { get; } = new()
        {
            Screens =
            [
                new Screen
                {
                    Id = "UPLOAD",
                    Terminal = true,
                    Sensitive = ["id_number"],
                    Layout = new Layout
                    {
                        Children =
                        [
                            new Form
                            {
                                Name = "form",
                                Children =
                                [
                                    new TextInput { Name = "id_number", Label = "ID" },
                                    new TextInput { Name = "nickname", Label = "Nickname" },
                                    new PhotoPicker { Name = "selfie", Label = "Selfie" },
                                    new If
                                    {
                                        Condition = "${data.wants_document}",
                                        Then = [new DocumentPicker { Name = "passport", Label = "Passport" }],
                                    },
                                ],
                            },
                        ],
                    },
                },
            ],
        };

        protected override void Configure(FlowRouter router)
        {
        }
    }

    [Fact]
    public void PickerFieldsAreNeverKeptEvenWhenNotDeclaredSensitive() =>
        Assert.Equal(["id_number", "passport", "selfie"], new UploadFlow().SensitiveFields.Order(StringComparer.Ordinal));
}
