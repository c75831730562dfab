using System.Text.Json.Nodes;
using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;

namespace Backend.Flows.Tests.FlowJson;

public sealed class BuilderTests
{
    private static JsonNode Written(object value) =>
        JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(value, FlowJsonSerializer.Options))!;

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual?.ToJsonString());

    [Fact]
    public void ScreenDataDerivesTheSchemaFromArraysAndObjects()
    {
        var plans = new ScreenData("plans", new DataSourceItem[] { new("basic", "Basic") });
        var address = new ScreenData("address", new Dictionary<string, object> { ["city"] = "Lisbon", ["floor"] = 3, ["lift"] = true });

        AssertJson("""
            {"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"title":{"type":"string"}}},
             "__example__":[{"id":"basic","title":"Basic"}]}
            """, JsonNode.Parse(plans.Schema.GetRawText()));
        AssertJson("""
            {"type":"object","properties":{"city":{"type":"string"},"floor":{"type":"number"},"lift":{"type":"boolean"}},
             "__example__":{"city":"Lisbon","floor":3,"lift":true}}
            """, JsonNode.Parse(address.Schema.GetRawText()));
        Assert.Equal("${data.plans}", plans.Ref);
        Assert.Equal("${data.address.city}", address.Ref.Property("city"));
    }

    [Fact]
    public void ReferencesRenderMetasBindings()
    {
        var email = new TextInput { Name = "email", Label = "Email" };
        var age = new TextInput { Name = "age", Label = "Age", InputType = InputType.Number };
        var agree = new OptIn { Name = "agree", Label = "I agree" };

        Assert.Equal("${form.email}", email.Ref.Expression);
        Assert.Equal("${screen.SIGN_UP.form.email}", email.RefOn("SIGN_UP").Expression);
        Assert.Equal("${screen.START.data.promo}", new DataRef("promo").OnScreen("START").Expression);
        Assert.Equal("(${form.age} >= 18 && ${form.agree})", ((age.Ref >= 18) & agree.Ref).Text);
        Assert.Equal("`!((${form.email} == 'a@b.c' || ${form.age} < 21.5))`", (!(email.Ref.Is("a@b.c") | (age.Ref < 21.5))).AsExpression());
    }

    [Fact]
    public void ConditionsAndExpressionsBuildIfAndVisible()
    {
        var age = new TextInput { Name = "age", Label = "Age", InputType = InputType.Number };
        var conditional = new If
        {
            Condition = age.Ref >= 18,
            Then = [new TextBody("Welcome") { Visible = age.Ref < 99 }],
            Else = [new TextCaption("Come back later")],
        };

        AssertJson("""
            {"type":"If","condition":"${form.age} >= 18",
             "then":[{"type":"TextBody","text":"Welcome","visible":"`${form.age} < 99`"}],
             "else":[{"type":"TextCaption","text":"Come back later"}]}
            """, Written((Component)conditional));
    }

    [Fact]
    public void TextStaysReadableUtf8()
    {
        var flow = new FlowJsonDocument
        {
            Version = "7.3",
            Screens = [new Screen { Id = "A", Terminal = true, Layout = new Layout { Children = [new TextHeading("Olá <b>café</b> & ✓ 👋 \"x\"")] } }],
        };

        var written = FlowJsonSerializer.Serialize(flow);

        Assert.Contains("\"text\": \"Olá <b>café</b> & ✓ 👋 \\\"x\\\"\"", written, StringComparison.Ordinal);
    }

    [Fact]
    public void NullsAreOmittedAndValuesMayBeBindings()
    {
        var required = new ScreenData("required", true);
        var input = new TextInput { Name = "n", Label = "Name", Required = required.Ref, MaxChars = 20 };

        AssertJson("""{"type":"TextInput","name":"n","label":"Name","required":"${data.required}","max-chars":20}""", Written((Component)input));
    }

    [Fact]
    public void InitValuesMoveToTheFormButStayOnInputsOutsideIt()
    {
        var initial = new ScreenData("initial", "Ann");
        var inside = new TextInput { Name = "inside", Label = "Inside", InitValue = initial.Ref, ErrorMessage = "Wrong" };
        var outside = new TextInput { Name = "outside", Label = "Outside", InitValue = "Bob" };
        var flow = new FlowJsonDocument
        {
            Version = "7.3",
            Screens =
            [
                new Screen
                {
                    Id = "A",
                    Terminal = true,
                    Data = [initial],
                    Layout = new Layout
                    {
                        Children =
                        [
                            new Form { Name = "form", Children = [inside] },
                            outside,
                            new Footer { Label = "Done", OnClickAction = new CompleteAction() },
                        ],
                    },
                },
            ],
        };

        var children = JsonNode.Parse(FlowJsonSerializer.Serialize(flow))!["screens"]![0]!["layout"]!["children"]!;

        AssertJson("""
            {"type":"Form","name":"form","init-values":{"inside":"${data.initial}"},"error-messages":{"inside":"Wrong"},
             "children":[{"type":"TextInput","name":"inside","label":"Inside"}]}
            """, children[0]);
        AssertJson("""{"type":"TextInput","name":"outside","label":"Outside","init-value":"Bob"}""", children[1]);
        // The builder's own model is left as it was.
        Assert.Equal("${data.initial}", inside.InitValue);
    }

    [Fact]
    public void UnknownPropertiesSurviveTheRoundTripAndAreReported()
    {
        const string json = """
            {"version":"7.3","flow_name":"kept","screens":[{"id":"A","terminal":true,"layout":{"type":"SingleColumnLayout","children":[
              {"type":"TextHeading","text":"Hi","x-note":{"a":[1,2]}},
              {"type":"Footer","label":"Done","on-click-action":{"name":"complete","payload":{"n":1.50,"nested":{"k":[true,null]}},"x-extra":1}}]}}]}
            """;

        var written = FlowJsonSerializer.Serialize(FlowJsonSerializer.Parse(json));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), written);
        var codes = FlowJsonValidator.Validate(written).Errors.Select(e => (e.Code, e.Pointer)).ToList();
        Assert.Contains(("INVALID_PROPERTY_KEY", "/flow_name"), codes);
        Assert.Contains(("INVALID_PROPERTY_KEY", "/screens/0/layout/children/0/x-note"), codes);
        Assert.Contains(("INVALID_PROPERTY_KEY", "/screens/0/layout/children/1/on-click-action/x-extra"), codes);
    }

    [Fact]
    public void NestedObjectsKeepUnknownPropertiesAndBoundFormValuesRoundTrip()
    {
        const string json = """
            {"version":"7.3","data_api_version":"3.0","routing_model":{"A":[]},"screens":[{"id":"A","terminal":true,
              "data":{"init":{"type":"object","properties":{"name":{"type":"string"}},"__example__":{"name":"Ann"}}},
              "layout":{"type":"SingleColumnLayout","children":[
              {"type":"Form","name":"form","init-values":"${data.init}","children":[
                {"type":"TextInput","name":"name","label":"Name"},
                {"type":"Dropdown","name":"pick","label":"Pick","data-source":[{"id":"a","title":"A","x-rank":1}]},
                {"type":"Footer","label":"Done","on-click-action":{"name":"complete","payload":{"name":"${form.name}"}}}]}]}}]}
            """;

        var parsed = FlowJsonSerializer.Parse(json);
        var written = FlowJsonSerializer.Serialize(parsed);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), written);
        var error = Assert.Single(FlowJsonValidator.Validate(written).Errors);
        Assert.Equal(("INVALID_PROPERTY_KEY", "/screens/0/layout/children/0/children/1/data-source/0/x-rank"), (error.Code, error.Pointer));
    }

    [Fact]
    public void UnknownComponentTypeCannotBeParsedButIsReportedWithItsPointer()
    {
        const string json = """{"version":"7.3","screens":[{"id":"A","layout":{"type":"SingleColumnLayout","children":[{"type":"Banner","text":"x"}]}}]}""";

        var exception = Assert.Throws<FlowJsonFormatException>(() => FlowJsonSerializer.Parse(json));
        Assert.StartsWith("/screens/0/layout/children/0", exception.Pointer, StringComparison.Ordinal);
        Assert.Contains(FlowJsonValidator.Validate(json).Errors, e => e.Code == "INVALID_PROPERTY_VALUE" && e.Pointer == "/screens/0/layout/children/0/type");
    }

    [Fact]
    public void EveryComponentRoundTripsAndAValidFlowUsingThemPasses()
    {
        var flow = AllComponentsFlow();

        var written = FlowJsonSerializer.Serialize(flow);
        var reparsed = FlowJsonSerializer.Serialize(FlowJsonSerializer.Parse(written));

        Assert.Equal(written, reparsed);
        var result = FlowJsonValidator.Validate(flow);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        foreach (var type in new[]
        {
            "TextHeading", "TextSubheading", "TextBody", "TextCaption", "RichText", "Image", "ImageCarousel", "Form", "TextInput",
            "TextArea", "RadioButtonsGroup", "CheckboxGroup", "ChipsSelector", "Dropdown", "OptIn", "DatePicker", "CalendarPicker",
            "EmbeddedLink", "NavigationList", "PhotoPicker", "DocumentPicker", "Footer", "If", "Switch",
        })
        {
            Assert.Contains($"\"type\": \"{type}\"", written, StringComparison.Ordinal);
        }
    }

    /// <summary>A 7.3 flow that uses every component, action and binding kind.</summary>
    public static FlowJsonDocument AllComponentsFlow()
    {
        var offers = new ScreenData("offers", new DataSourceItem[] { new("a", "Offer A"), new("b", "Offer B") });
        var banner = new ScreenData("banner", "iVBORw0KGgo=");
        var topic = new ScreenData("topic", "billing");
        var name = new TextInput { Name = "name", Label = "Name", Pattern = "^[A-Za-z ]+$", HelperText = "Letters only", MinChars = 2, MaxChars = 40 };
        var notes = new TextArea { Name = "notes", Label = "Notes", MaxLength = 300 };
        var size = new RadioButtonsGroup
        {
            Name = "size", Label = "Size",
            DataSource = new DataSourceItem[] { new("s", "Small"), new("m", "Medium") { Description = "Most chosen" } },
            OnSelectAction = new UpdateDataAction { Payload = new() { ["topic"] = "size" } },
        };
        var extras = new CheckboxGroup { Name = "extras", Label = "Extras", DataSource = offers.Ref, MinSelectedItems = 0, MaxSelectedItems = 2 };
        var tags = new ChipsSelector { Name = "tags", Label = "Tags", DataSource = new DataSourceItem[] { new("x", "X"), new("y", "Y") } };
        var country = new Dropdown { Name = "country", Label = "Country", DataSource = new DataSourceItem[] { new("pt", "Portugal") } };
        var agree = new OptIn { Name = "agree", Label = "I accept the terms", OnClickAction = new OpenUrlAction { Url = "https://example.com/terms" } };
        var day = new DatePicker { Name = "day", Label = "Day", MinDate = "2026-01-01" };
        var stay = new CalendarPicker { Name = "stay", Label = "Stay", Mode = "single" };
        var photo = new PhotoPicker { Name = "photo", Label = "Photo", MaxUploadedPhotos = 1 };
        var document = new DocumentPicker { Name = "document", Label = "Document", MaxUploadedDocuments = 1 };

        return new FlowJsonDocument
        {
            DataApiVersion = FlowJsonDocument.DefaultDataApiVersion, // the builder's default Flow JSON version, 7.3
            RoutingModel = new Dictionary<string, IReadOnlyList<string>> { ["MENU"] = ["INTRO", "FORM"], ["INTRO"] = ["FORM", "TERMS"], ["TERMS"] = ["FORM"], ["FORM"] = [] },
            Screens =
            [
                new Screen
                {
                    Id = "MENU",
                    Title = "Menu",
                    Layout = new Layout
                    {
                        Children =
                        [
                            new NavigationList
                            {
                                Name = "menu",
                                ListItems = new NavigationItem[]
                                {
                                    new("intro", new NavigationItemContent("Introduction"))
                                    {
                                        OnClickAction = new NavigateAction { Next = "INTRO", Payload = new() { ["banner"] = "iVBORw0KGgo=" } },
                                    },
                                    new("form", new NavigationItemContent("Form") { Description = "Fill it" }) { OnClickAction = new NavigateAction { Next = "FORM", Payload = new() { ["topic"] = "menu", ["offers"] = Array.Empty<object>() } } },
                                },
                            },
                        ],
                    },
                },
                new Screen
                {
                    Id = "INTRO",
                    Title = "Intro",
                    Data = [banner],
                    Layout = new Layout
                    {
                        Children =
                        [
                            new TextHeading("Hello"),
                            new TextSubheading("Sub"),
                            new TextBody("**Body**") { Markdown = true, FontWeight = FontWeight.Bold },
                            new TextCaption("Caption") { Strikethrough = true },
                            new Image { Src = banner.Ref, Height = 100, ScaleType = "contain" },
                            new ImageCarousel { Images = new CarouselImage[] { new("iVBORw0KGgo=", "One") }, AspectRatio = "16:9" },
                            new EmbeddedLink("Go to the form", new NavigateAction
                            {
                                Next = "FORM",
                                Payload = new() { ["topic"] = "intro", ["offers"] = new[] { new DataSourceItem("c", "Offer C") } },
                            }),
                            new Footer { Label = "Next", LeftCaption = "1/2", RightCaption = "Next", OnClickAction = new DataExchangeAction { Payload = new() { ["from"] = "intro" } } },
                        ],
                    },
                },
                new Screen
                {
                    Id = "TERMS",
                    Title = "Terms",
                    Layout = new Layout
                    {
                        Children =
                        [
                            new RichText(new[] { "# Terms", "You agree to **everything**." }),
                            new Footer
                            {
                                Label = "Agree",
                                OnClickAction = new NavigateAction { Next = "FORM", Payload = new() { ["topic"] = "terms", ["offers"] = Array.Empty<object>() } },
                            },
                        ],
                    },
                },
                new Screen
                {
                    Id = "FORM",
                    Title = "Form",
                    Terminal = true,
                    Sensitive = ["name"],
                    RefreshOnBack = true,
                    Data = [topic, offers],
                    Layout = new Layout
                    {
                        Children =
                        [
                            new Form
                            {
                                Name = "form",
                                Children =
                                [
                                    name, notes, size, extras, tags, country, agree, day, stay, photo, document,
                                    new Switch
                                    {
                                        Value = topic.Ref,
                                        Cases = new()
                                        {
                                            ["billing"] = [new TextCaption("About billing")],
                                            ["size"] = [new TextCaption("About sizes")],
                                        },
                                    },
                                    new If
                                    {
                                        Condition = agree.Ref,
                                        Then =
                                        [
                                            new Footer
                                            {
                                                Label = "Send",
                                                CenterCaption = "Thanks",
                                                OnClickAction = new CompleteAction
                                                {
                                                    Payload = new()
                                                    {
                                                        ["name"] = name.Ref, ["notes"] = notes.Ref, ["size"] = size.Ref, ["extras"] = extras.Ref,
                                                        ["tags"] = tags.Ref, ["country"] = country.Ref, ["day"] = day.Ref, ["stay"] = stay.Ref,
                                                        ["photo"] = photo.Ref, ["document"] = document.Ref, ["topic"] = topic.Ref,
                                                    },
                                                },
                                            },
                                        ],
                                        Else = [new Footer { Label = "Accept the terms first", Enabled = false, OnClickAction = new CompleteAction() }],
                                    },
                                ],
                            },
                        ],
                    },
                },
            ],
        };
    }
}
