using System.Text.Json.Nodes;
using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;
using Backend.TestSupport;

namespace Backend.Flows.Tests.FlowJson;

/// <summary>
/// For each rule family: a valid flow that passes, then one minimal break per case that must
/// produce the expected code at the expected pointer.
/// </summary>
public sealed class ValidatorRuleTests
{
    private const string Welcome = "/screens/0/layout/children";
    private const string Details = "/screens/1/layout/children";
    private const string DetailsForm = "/screens/1/layout/children/1/children";
    private const string Done = "/screens/2/layout/children";

    /// <summary>A 7.3 endpoint flow: WELCOME → DETAILS (form, data_exchange) → DONE (complete).</summary>
    public static FlowJsonDocument EndpointFlow()
    {
        var greeting = new ScreenData("greeting", "Hi");
        var summary = new ScreenData("summary", "You're in");
        var name = new TextInput { Name = "name", Label = "Name", Required = true };
        var email = new TextInput { Name = "email", Label = "Email", InputType = InputType.Email };
        var plan = new Dropdown
        {
            Name = "plan",
            Label = "Plan",
            DataSource = new DataSourceItem[] { new("basic", "Basic"), new("pro", "Pro") { Description = "Everything" } },
        };
        var agree = new OptIn { Name = "agree", Label = "I agree to the terms" };
        return new FlowJsonDocument
        {
            DataApiVersion = FlowJsonDocument.DefaultDataApiVersion, // the builder's default Flow JSON version, 7.3
            RoutingModel = new Dictionary<string, IReadOnlyList<string>>
            {
                ["WELCOME"] = ["DETAILS"],
                ["DETAILS"] = ["DONE"],
                ["DONE"] = [],
            },
            Screens =
            [
                new Screen
                {
                    Id = "WELCOME",
                    Title = "Welcome",
                    Layout = new Layout
                    {
                        Children =
                        [
                            new TextHeading("Welcome"),
                            new EmbeddedLink("Quick start", new NavigateAction { Next = "DETAILS", Payload = new() { ["greeting"] = "Hi" } }),
                            new Footer { Label = "Start", OnClickAction = new NavigateAction { Next = "DETAILS", Payload = new() { ["greeting"] = "Hello" } } },
                        ],
                    },
                },
                new Screen
                {
                    Id = "DETAILS",
                    Title = "Details",
                    Data = [greeting],
                    Layout = new Layout
                    {
                        Children =
                        [
                            new TextSubheading(greeting.Ref),
                            new Form
                            {
                                Name = "form",
                                Children =
                                [
                                    name, email, plan, agree,
                                    new Footer
                                    {
                                        Label = "Continue",
                                        Enabled = agree.Ref,
                                        OnClickAction = new DataExchangeAction
                                        {
                                            Payload = new() { ["name"] = name.Ref, ["email"] = email.Ref, ["plan"] = plan.Ref, ["agree"] = agree.Ref },
                                        },
                                    },
                                ],
                            },
                        ],
                    },
                },
                new Screen
                {
                    Id = "DONE",
                    Title = "Done",
                    Terminal = true,
                    Data = [summary],
                    Layout = new Layout
                    {
                        Children =
                        [
                            new TextBody(summary.Ref),
                            new Footer
                            {
                                Label = "Finish",
                                OnClickAction = new CompleteAction { Payload = new() { ["name"] = name.RefOn("DETAILS") } },
                            },
                        ],
                    },
                },
            ],
        };
    }

    private static JsonObject Endpoint() => JsonNode.Parse(FlowJsonSerializer.Serialize(EndpointFlow()))!.AsObject();

    private static JsonObject Static30() => JsonNode.Parse(File.ReadAllText(TestData.Path("golden", "static-sign-up-flow.json")))!.AsObject();

    [Fact]
    public void EndpointFlowPassesWithoutFindings()
    {
        var result = FlowJsonValidator.Validate(EndpointFlow());

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Static30FlowPassesWithoutErrors() => Assert.True(FlowJsonValidator.Validate(Static30().ToJsonString()).IsValid);

    [Fact]
    public void TextThatIsNotJsonIsInvalidFlowJson()
    {
        var error = Assert.Single(FlowJsonValidator.Validate("{\"version\": \"7.3\", ").Errors);
        Assert.Equal(("INVALID_FLOW_JSON", ""), (error.Code, error.Pointer));
    }

    /// <summary>One break: which base flow, what to change, and the finding it must produce.</summary>
    private sealed record Case(Func<JsonObject> Base, Action<JsonObject> Break, string Code, string Pointer, FindingSeverity Severity = FindingSeverity.Error);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Top level and versions
        ["version missing"] = new(Endpoint, f => f.Remove("version"), "MISSING_FLOW_JSON_VERSION", ""),
        ["version malformed"] = new(Endpoint, f => f["version"] = "7", "INVALID_FLOW_JSON_VERSION", "/version"),
        ["version unknown"] = new(Endpoint, f => f["version"] = "9.9", "UNSUPPORTED_FLOW_JSON_VERSION", "/version"),
        ["version no longer publishable"] = new(Endpoint, f => f["version"] = "4.0", "UNAVAILABLE_FLOW_JSON_VERSION", "/version", FindingSeverity.Warning),
        ["unknown top-level property"] = new(Endpoint, f => f["flow_name"] = "x", "INVALID_PROPERTY_KEY", "/flow_name"),
        ["data_channel_uri from 3.0"] = new(Endpoint, f => f["data_channel_uri"] = "https://example.com/flow", "INVALID_PROPERTY_KEY", "/data_channel_uri"),
        ["data_api_version unknown"] = new(Endpoint, f => f["data_api_version"] = "2.0", "NO_SUPPORTED_DATA_API_VERSION", "/data_api_version"),
        ["data_api_version without routing_model"] = new(Endpoint, f => f.Remove("routing_model"), "MISSING_REQUIRED_PROPERTY", ""),
        ["data_exchange without data_api_version"] = new(Endpoint, f => { f.Remove("data_api_version"); f.Remove("routing_model"); },
            "MISSING_REQUIRED_PROPERTY", $"{DetailsForm}/4/on-click-action"),
        ["no screens"] = new(Static30, f => f["screens"] = new JsonArray(), "MIN_ITEMS_REQUIRED", "/screens"),
        ["more than 100 screens"] = new(Static30, f => AddScreens(f, 100), "MAX_SCREENS_NUMBER", "/screens"),

        // Screens and terminal screens
        ["duplicate screen id"] = new(Endpoint, f => f["screens"]![2]!["id"] = "DETAILS", "DUPLICATE_SCREEN_IDS", "/screens/2/id"),
        ["reserved screen id, any case"] = new(Static30, f => f["screens"]![0]!["id"] = "Success", "SCREEN_ID_IS_RESERVED_KEYWORD", "/screens/0/id"),
        ["screen id with a dash"] = new(Static30, f => f["screens"]![0]!["id"] = "SIGN-UP", "PATTERN_MISMATCH", "/screens/0/id"),
        ["success on a non-terminal screen"] = new(Endpoint, f => f["screens"]![0]!["success"] = true, "NOT_KEYWORD_SCHEMA_VALIDATION_FAILED", "/screens/0/success"),
        ["refresh_on_back without data_api_version"] = new(Static30, f => f["screens"]![0]!["refresh_on_back"] = true, "INVALID_PROPERTY_VALUE", "/screens/0/refresh_on_back"),
        ["unknown screen property"] = new(Endpoint, f => f["screens"]![1]!["subtitle"] = "x", "INVALID_PROPERTY_KEY", "/screens/1/subtitle"),
        ["sensitive before 5.1"] = new(Static30, f => f["screens"]![0]!["sensitive"] = new JsonArray("email"), "INVALID_PROPERTY_KEY", "/screens/0/sensitive"),
        ["terminal screen without footer"] = new(Endpoint, f => Remove(f, $"{Done}/1"), "MISSING_FOOTER_ON_TERMINAL_SCREEN", "/screens/2/layout"),
        ["no terminal screen"] = new(Endpoint, f => f["screens"]![2]!.AsObject().Remove("terminal"), "MISSING_TERMINAL_SCREEN", "/screens"),
        ["no terminal screen with success"] = new(Endpoint, f => f["screens"]![2]!["success"] = false, "INVALID_PROPERTY_VALUE", "/screens"),
        ["layout type unknown"] = new(Endpoint, f => f["screens"]![0]!["layout"]!["type"] = "TwoColumnLayout", "INVALID_PROPERTY_VALUE", "/screens/0/layout/type"),

        // Actions
        ["complete on a non-terminal screen"] = new(Endpoint, f => At(f, $"{DetailsForm}/4/on-click-action")["name"] = "complete",
            "INVALID_COMPLETE_ACTION", $"{DetailsForm}/4/on-click-action"),
        ["complete on an EmbeddedLink"] = new(Endpoint, f => Set(f, $"{Welcome}/1/on-click-action", """{"name":"complete","payload":{}}"""),
            "INVALID_ENUM_VALUE", $"{Welcome}/1/on-click-action/name"),
        ["update_data on a Footer"] = new(Endpoint, f => Set(f, $"{DetailsForm}/4/on-click-action", """{"name":"update_data","payload":{}}"""),
            "INVALID_ENUM_VALUE", $"{DetailsForm}/4/on-click-action/name"),
        ["unknown action"] = new(Endpoint, f => At(f, $"{Welcome}/1/on-click-action")["name"] = "jump", "INVALID_ENUM_VALUE", $"{Welcome}/1/on-click-action/name"),
        ["navigate to an unknown screen"] = new(Endpoint, f => At(f, $"{Welcome}/1/on-click-action/next")["name"] = "NOWHERE",
            "INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME", $"{Welcome}/1/on-click-action/next/name"),
        ["navigate to the same screen"] = new(Endpoint, f => At(f, $"{Welcome}/1/on-click-action/next")["name"] = "WELCOME",
            "INVALID_NAVIGATE_ACTION_NEXT_SCREEN_NAME", $"{Welcome}/1/on-click-action/next/name"),
        ["navigate payload lacks a data field"] = new(Endpoint, f => At(f, $"{Welcome}/1/on-click-action/payload").AsObject().Remove("greeting"),
            "INVALID_NAVIGATE_ACTION_PAYLOAD", $"{Welcome}/1/on-click-action/payload"),
        ["navigate payload has an undeclared field"] = new(Endpoint, f => At(f, $"{Welcome}/1/on-click-action/payload")["extra"] = "x",
            "INVALID_NAVIGATE_ACTION_PAYLOAD", $"{Welcome}/1/on-click-action/payload/extra"),
        ["navigate payload of the wrong type"] = new(Endpoint, f => At(f, $"{Welcome}/1/on-click-action/payload")["greeting"] = 5,
            "INVALID_NAVIGATE_ACTION_PAYLOAD", $"{Welcome}/1/on-click-action/payload/greeting"),
        ["navigate payload to a screen without data model"] = new(Endpoint, f =>
            {
                f["screens"]![1]!.AsObject().Remove("data");
                At(f, $"{Details}/0")["text"] = "Details";
            }, "INVALID_NAVIGATE_ACTION_PAYLOAD", $"{Welcome}/1/on-click-action/payload"),
        ["update_data key not in the data model"] = new(Endpoint, f => Set(f, $"{DetailsForm}/2/on-select-action", """{"name":"update_data","payload":{"nope":"x"}}"""),
            "INVALID_ACTION_PAYLOAD_PROPERTY", $"{DetailsForm}/2/on-select-action/payload/nope"),
        ["update_data before 6.0"] = new(Endpoint, f => { f["version"] = "5.1"; Set(f, $"{DetailsForm}/2/on-select-action", """{"name":"update_data","payload":{"greeting":"x"}}"""); },
            "INVALID_ENUM_VALUE", $"{DetailsForm}/2/on-select-action/name"),
        ["open_url with a relative url"] = new(Endpoint, f => Set(f, $"{Welcome}/1/on-click-action", """{"name":"open_url","url":"terms.html"}"""),
            "INVALID_PROPERTY_VALUE_FORMAT", $"{Welcome}/1/on-click-action/url"),
        ["navigate on a terminal screen's footer"] = new(Endpoint, f =>
            {
                Set(f, $"{Done}/1/on-click-action", """{"name":"navigate","next":{"type":"screen","name":"WELCOME"},"payload":{}}""");
                Set(f, "/routing_model", """{"WELCOME":["DETAILS"],"DETAILS":["DONE"],"DONE":[]}""");
            }, "NAVIGATE_ON_TERMINAL_FOOTER", $"{Done}/1/on-click-action", FindingSeverity.Warning),

        // References
        ["payload binds an unknown field"] = new(Endpoint, f => At(f, $"{DetailsForm}/4/on-click-action/payload")["name"] = "${form.full_name}",
            "INVALID_ON_CLICK_ACTION_PAYLOAD", $"{DetailsForm}/4/on-click-action/payload/name"),
        ["payload binds undeclared data"] = new(Endpoint, f => At(f, $"{DetailsForm}/4/on-click-action/payload")["name"] = "${data.nickname}",
            "INVALID_ON_CLICK_ACTION_PAYLOAD", $"{DetailsForm}/4/on-click-action/payload/name"),
        ["payload binds the Form itself"] = new(Endpoint, f => At(f, $"{DetailsForm}/4/on-click-action/payload")["all"] = "${form.form}",
            "INVALID_ON_CLICK_ACTION_PAYLOAD", $"{DetailsForm}/4/on-click-action/payload/all"),
        ["text binds undeclared data"] = new(Endpoint, f => At(f, $"{Details}/0")["text"] = "${data.title}",
            "INVALID_SCREEN_DYNAMIC_DATA", $"{Details}/0/text"),
        ["data of the wrong type for the property"] = new(Endpoint, f => At(f, $"{DetailsForm}/0")["required"] = "${data.greeting}",
            "INVALID_SCREEN_DYNAMIC_DATA", $"{DetailsForm}/0/required"),
        ["global reference to a missing screen"] = new(Endpoint, f => At(f, $"{Done}/1/on-click-action/payload")["name"] = "${screen.PROFILE.form.name}",
            "INVALID_SCREEN_DYNAMIC_DATA", $"{Done}/1/on-click-action/payload/name"),
        ["global reference to the current screen"] = new(Endpoint, f => At(f, $"{Done}/1/on-click-action/payload")["name"] = "${screen.DONE.data.summary}",
            "INVALID_SCREEN_DYNAMIC_DATA", $"{Done}/1/on-click-action/payload/name"),
        ["global reference to a missing field"] = new(Endpoint, f => At(f, $"{Done}/1/on-click-action/payload")["name"] = "${screen.DETAILS.form.surname}",
            "INVALID_SCREEN_DYNAMIC_DATA", $"{Done}/1/on-click-action/payload/name"),
        ["global reference before 4.0"] = new(Static30, f => At(f, "/screens/0/layout/children/0/children/3/on-click-action/payload")["email"] = "${screen.SIGN_UP.form.email}",
            "INVALID_PROPERTY_VALUE", "/screens/0/layout/children/0/children/3/on-click-action/payload/email"),
        ["static text mixed with a binding"] = new(Endpoint, f => At(f, $"{Details}/0")["text"] = "Hello ${data.greeting}",
            "INVALID_PROPERTY_VALUE", $"{Details}/0/text"),
        ["expression before 6.0"] = new(Endpoint, f => { f["version"] = "5.1"; At(f, $"{Details}/0")["visible"] = "`${form.agree} == true`"; },
            "INVALID_PROPERTY_VALUE", $"{Details}/0/visible"),

        // Data model
        ["data field without __example__"] = new(Endpoint, f => At(f, "/screens/1/data/greeting").AsObject().Remove("__example__"),
            "INVALID_SCREEN_DATA", "/screens/1/data/greeting"),
        ["__example__ of the wrong type"] = new(Endpoint, f => At(f, "/screens/1/data/greeting")["__example__"] = 3,
            "INVALID_SCREEN_DATA", "/screens/1/data/greeting/__example__"),
        ["data field of an unknown type"] = new(Endpoint, f => At(f, "/screens/1/data/greeting")["type"] = "date",
            "INVALID_SCREEN_DATA", "/screens/1/data/greeting/type"),
        ["array without items"] = new(Endpoint, f => Set(f, "/screens/1/data/tags", """{"type":"array","__example__":["a"]}"""),
            "INVALID_SCREEN_DATA", "/screens/1/data/tags"),
        ["__example__ below the top level"] = new(Endpoint, f => Set(f, "/screens/1/data/tags", """{"type":"array","items":{"type":"string","__example__":"a"},"__example__":["a"]}"""),
            "INVALID_SCREEN_DATA", "/screens/1/data/tags/items/__example__"),

        // Names
        ["duplicate field names"] = new(Endpoint, f => At(f, $"{DetailsForm}/1")["name"] = "name", "DUPLICATE_FORM_COMPONENT_NAMES", $"{DetailsForm}/1/name"),

        // Limits and counts
        ["heading longer than 80"] = new(Endpoint, f => At(f, $"{Welcome}/0")["text"] = new string('a', 81), "MAX_CHARS_EXCEEDED", $"{Welcome}/0/text"),
        ["footer label longer than 35"] = new(Endpoint, f => At(f, $"{Welcome}/2")["label"] = new string('a', 36), "MAX_CHARS_EXCEEDED", $"{Welcome}/2/label"),
        ["TextInput label longer than 20"] = new(Endpoint, f => At(f, $"{DetailsForm}/0")["label"] = "Your full legal name!", "MAX_CHARS_EXCEEDED", $"{DetailsForm}/0/label"),
        ["empty text"] = new(Endpoint, f => At(f, $"{Welcome}/0")["text"] = "", "MIN_CHARS_REQUIRED", $"{Welcome}/0/text"),
        ["blank text"] = new(Endpoint, f => At(f, $"{Welcome}/0")["text"] = "   ", "PATTERN_MISMATCH", $"{Welcome}/0/text"),
        ["three embedded links"] = new(Endpoint, f => { Duplicate(f, $"{Welcome}/1"); Duplicate(f, $"{Welcome}/1"); }, "MAX_EMBEDDED_LINK_PER_SCREEN", $"{Welcome}/3"),
        ["two footers"] = new(Endpoint, f => Duplicate(f, $"{Welcome}/2"), "MAX_FOOTER_PER_SCREEN", $"{Welcome}/3"),
        ["four images"] = new(Endpoint, f => { for (var i = 0; i < 4; i++) { Insert(f, Welcome, 0, """{"type":"Image","src":"iVBORw0KGgo="}"""); } },
            "MAX_IMAGE_PER_SCREEN", $"{Welcome}/3"),
        ["six opt-ins"] = new(Endpoint, f => { for (var i = 0; i < 5; i++) { Insert(f, DetailsForm, 4, $$"""{"type":"OptIn","name":"extra{{i}}","label":"Extra"}"""); } },
            "MAX_OPT_IN_PER_SCREEN", $"{DetailsForm}/8"),
        ["more than 50 components"] = new(Endpoint, f => { for (var i = 0; i < 49; i++) { Insert(f, Welcome, 0, """{"type":"TextBody","text":"x"}"""); } },
            "MAX_COMPONENTS_PER_SCREEN", Welcome),
        ["dropdown without options"] = new(Endpoint, f => At(f, $"{DetailsForm}/2")["data-source"] = new JsonArray(), "MIN_ITEMS_REQUIRED", $"{DetailsForm}/2/data-source"),
        ["option title longer than 30"] = new(Endpoint, f => At(f, $"{DetailsForm}/2/data-source/0")["title"] = new string('b', 31),
            "MAX_CHARS_EXCEEDED", $"{DetailsForm}/2/data-source/0/title"),
        ["min-chars above max-chars"] = new(Endpoint, f => { At(f, $"{DetailsForm}/0")["min-chars"] = 10; At(f, $"{DetailsForm}/0")["max-chars"] = 5; },
            "MIN_VALUE_GREATER_THAN_MAX", $"{DetailsForm}/0/min-chars"),
        ["left caption without right caption"] = new(Endpoint, f => At(f, $"{Welcome}/2")["left-caption"] = "Step 1", "INVALID_DEPENDENCIES", $"{Welcome}/2/left-caption"),
        ["center caption with a side caption"] = new(Endpoint, f => { At(f, $"{Welcome}/2")["center-caption"] = "a"; At(f, $"{Welcome}/2")["right-caption"] = "b"; },
            "INVALID_DEPENDENCIES", $"{Welcome}/2/center-caption"),
        ["input-type unknown"] = new(Endpoint, f => At(f, $"{DetailsForm}/1")["input-type"] = "url", "INVALID_ENUM_VALUE", $"{DetailsForm}/1/input-type"),
        ["pattern without helper-text"] = new(Endpoint, f => At(f, $"{DetailsForm}/0")["pattern"] = "^[a-z]+$", "MISSING_REQUIRED_PROPERTY", $"{DetailsForm}/0"),

        // Schema and version gates
        ["unknown component type"] = new(Endpoint, f => At(f, $"{Welcome}/0")["type"] = "Carousel", "INVALID_PROPERTY_VALUE", $"{Welcome}/0/type"),
        ["component without type"] = new(Endpoint, f => At(f, $"{Welcome}/0").AsObject().Remove("type"), "MISSING_REQUIRED_TYPE_PROPERTY", $"{Welcome}/0"),
        ["unknown component property"] = new(Endpoint, f => At(f, $"{Welcome}/0")["font-size"] = 12, "INVALID_PROPERTY_KEY", $"{Welcome}/0/font-size"),
        ["required property missing"] = new(Endpoint, f => At(f, $"{DetailsForm}/0").AsObject().Remove("label"), "MISSING_REQUIRED_PROPERTY", $"{DetailsForm}/0"),
        ["component newer than the flow"] = new(Endpoint, f => { f["version"] = "6.2"; Insert(f, DetailsForm, 0, """{"type":"ChipsSelector","name":"topics","label":"Topics","data-source":[{"id":"a","title":"A"},{"id":"b","title":"B"}]}"""); },
            "INVALID_PROPERTY_VALUE", $"{DetailsForm}/0/type"),
        ["property newer than the flow"] = new(Static30, f => Insert(f, "/screens/0/layout/children/0/children", 0, """{"type":"TextBody","text":"**Hi**","markdown":true}"""),
            "INVALID_PROPERTY_KEY", "/screens/0/layout/children/0/children/0/markdown"),

        // Forms
        ["input outside the Form before 4.0"] = new(Static30, f => Insert(f, "/screens/0/layout/children", 0, """{"type":"TextInput","name":"nickname","label":"Nickname"}"""),
            "KEYWORD_ONE_OF", "/screens/0/layout/children/0"),
        ["input outside the Form when there is one"] = new(Endpoint, f => Insert(f, Details, 1, """{"type":"TextInput","name":"nickname","label":"Nickname"}"""),
            "COMPONENTS_OUTSIDE_FORM", $"{Details}/1"),
        ["init-value on an input inside a Form"] = new(Endpoint, f => At(f, $"{DetailsForm}/0")["init-value"] = "Ann", "INVALID_PROPERTY_KEY", $"{DetailsForm}/0/init-value"),
        ["picker in the Form's init-values"] = new(Endpoint, f =>
            {
                Insert(f, DetailsForm, 0, """{"type":"PhotoPicker","name":"photo","label":"Photo"}""");
                At(f, $"{Details}/1")["init-values"] = new JsonObject { ["photo"] = "x" };
            }, "NATIVE_COMPONENT_IN_FORM_INIT_VALUES", $"{Details}/1/init-values/photo"),
        ["picker in a navigate payload"] = new(Endpoint, f =>
            {
                Insert(f, Welcome, 0, """{"type":"PhotoPicker","name":"photo","label":"Photo"}""");
                At(f, $"{Welcome}/2/on-click-action/payload")["greeting"] = "${form.photo}";
            }, "INVALID_ON_CLICK_ACTION_PAYLOAD", $"{Welcome}/2/on-click-action/payload/greeting"),

        // If and Switch
        ["If with a footer only in then"] = new(Endpoint, f => Wrap(f, $"{Done}/1", """{"type":"If","condition":"${data.summary} != ''","then":[]}""", "then"),
            "MISSING_FOOTER_IN_IF_ELSE_BRANCHES", $"{Done}/1"),
        ["footer in an If and outside it"] = new(Endpoint, f =>
            {
                Insert(f, Done, 1, """{"type":"If","condition":"${data.summary} != ''","then":[{"type":"TextBody","text":"a"}],"else":[{"type":"TextBody","text":"b"}]}""");
                var footer = At(f, $"{Done}/2").DeepClone();
                At(f, $"{Done}/1/then").AsArray().Add(footer.DeepClone());
                At(f, $"{Done}/1/else").AsArray().Add(footer);
            }, "MORE_THAN_ONE_FOOTER", $"{Done}/1/then/1"),
        ["If with an empty condition"] = new(Endpoint, f => Insert(f, Done, 0, """{"type":"If","condition":" ","then":[{"type":"TextBody","text":"a"}]}"""),
            "INVALID_PROPERTY_VALUE", $"{Done}/0/condition"),
        ["If condition with unbalanced parentheses"] = new(Endpoint, f => Insert(f, Done, 0, """{"type":"If","condition":"(${data.summary} != ''","then":[{"type":"TextBody","text":"a"}]}"""),
            "INVALID_PROPERTY_VALUE", $"{Done}/0/condition"),
        ["If condition of literals only"] = new(Endpoint, f => Insert(f, Done, 0, """{"type":"If","condition":"1 == 1","then":[{"type":"TextBody","text":"a"}]}"""),
            "INVALID_PROPERTY_VALUE", $"{Done}/0/condition"),
        ["If with an empty then"] = new(Endpoint, f => Insert(f, Done, 0, """{"type":"If","condition":"${data.summary} != ''","then":[]}"""),
            "MIN_ITEMS_REQUIRED", $"{Done}/0/then"),
        ["If before 4.0"] = new(Static30, f => Insert(f, "/screens/0/layout/children", 0, """{"type":"If","condition":"${form.first_name} != ''","then":[{"type":"TextBody","text":"a"}]}"""),
            "INVALID_PROPERTY_VALUE", "/screens/0/layout/children/0/type"),
        ["Switch with a footer in one case only"] = new(Endpoint, f =>
            {
                var footer = At(f, $"{Done}/1").DeepClone();
                Remove(f, $"{Done}/1");
                Insert(f, Done, 1, """{"type":"Switch","value":"${data.summary}","cases":{"a":[],"b":[{"type":"TextBody","text":"b"}]}}""");
                At(f, $"{Done}/1/cases/a").AsArray().Add(footer);
            }, "MISSING_FOOTER_IN_SWITCH_BRANCHES", $"{Done}/1"),

        // Routing model (rules 1 to 10) and navigation graphs without one
        ["rule 1: a screen missing from the routing model"] = new(Endpoint, f => f["routing_model"]!.AsObject().Remove("DONE"), "INVALID_ROUTING_MODEL", "/routing_model"),
        ["rule 2: a route to an unknown screen"] = new(Endpoint, f => f["routing_model"]!["DETAILS"]!.AsArray().Add("GONE"), "INVALID_ROUTING_MODEL", "/routing_model/DETAILS/1"),
        ["rule 3: a self route"] = new(Endpoint, f => f["routing_model"]!["DONE"]!.AsArray().Add("DONE"), "INVALID_ROUTING_MODEL", "/routing_model/DONE/0"),
        ["rule 4: a backward route"] = new(Endpoint, f => f["routing_model"]!["DETAILS"]!.AsArray().Add("WELCOME"), "INVALID_ROUTING_MODEL", "/routing_model/DETAILS/1"),
        ["rule 5: a loop"] = new(Endpoint, f => f["routing_model"]!["DONE"]!.AsArray().Add("WELCOME"), "INVALID_ROUTING_MODEL", "/routing_model/WELCOME"),
        ["rule 6: no entry screen"] = new(Endpoint, f => f["routing_model"]!["DONE"]!.AsArray().Add("WELCOME"), "INVALID_ROUTING_MODEL", "/routing_model"),
        ["rule 7: a screen not connected"] = new(Endpoint, f =>
            {
                var extra = f["screens"]![2]!.DeepClone();
                extra["id"] = "EXTRA";
                f["screens"]!.AsArray().Add(extra);
                f["routing_model"]!["EXTRA"] = new JsonArray();
            }, "INVALID_ROUTING_MODEL", "/routing_model/EXTRA"),
        ["rule 8: more than 10 branches"] = new(Endpoint, f => AddBranches(f, 10), "INVALID_ROUTING_MODEL", "/routing_model/WELCOME"),
        ["rule 9: navigate without a route"] = new(Endpoint, f => Set(f, $"{Welcome}/1/on-click-action", """{"name":"navigate","next":{"type":"screen","name":"DONE"},"payload":{"summary":"x"}}"""),
            "INVALID_ROUTING_MODEL", $"{Welcome}/1/on-click-action"),
        ["rule 10: a route ending at a non-terminal screen"] = new(Endpoint, f => f["routing_model"]!["DETAILS"]!.AsArray().Clear(), "INVALID_ROUTING_MODEL", "/routing_model/DETAILS"),
        ["without endpoint: screens not connected"] = new(Static30, f => { var second = f["screens"]![0]!.DeepClone(); second["id"] = "OTHER"; f["screens"]!.AsArray().Add(second); },
            "INVALID_ROUTING_MODEL", "/screens/1"),

        // Components that must be alone
        ["NavigationList on a terminal screen"] = new(Endpoint, f => Insert(f, Done, 0, """{"type":"NavigationList","name":"menu","list-items":[{"id":"a","main-content":{"title":"A"}}]}"""),
            "INVALID_PROPERTY_VALUE", $"{Done}/0"),
        ["RichText with other components"] = new(Endpoint, f => Insert(f, Welcome, 0, """{"type":"RichText","text":["# Hi"]}"""),
            "INVALID_PROPERTY_VALUE", $"{Welcome}/0"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MinimalBreakYieldsTheExpectedFinding(string name)
    {
        var broken = Cases[name];
        var flow = broken.Base();
        Assert.True(FlowJsonValidator.Validate(flow.ToJsonString()).IsValid, "the base flow must pass");
        broken.Break(flow);

        var result = FlowJsonValidator.Validate(flow.ToJsonString());

        var findings = broken.Severity == FindingSeverity.Error ? result.Errors : result.Warnings;
        Assert.True(
            findings.Any(f => f.Code == broken.Code && f.Pointer == broken.Pointer && f.Severity == broken.Severity),
            $"expected {broken.Code} at '{broken.Pointer}', got:\n{string.Join("\n", result.Errors.Concat(result.Warnings))}");
    }

    private static JsonNode At(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonArray array ? array[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)]! : node[token]!;
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var cut = pointer.LastIndexOf('/');
        return (At(root, pointer[..cut]), pointer[(cut + 1)..]);
    }

    private static void Set(JsonNode root, string pointer, string json)
    {
        var (parent, last) = Parent(root, pointer);
        parent[last] = JsonNode.Parse(json);
    }

    private static void Remove(JsonNode root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        parent.AsArray().RemoveAt(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Insert(JsonNode root, string arrayPointer, int index, string json) => At(root, arrayPointer).AsArray().Insert(index, JsonNode.Parse(json));

    private static void Duplicate(JsonNode root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        var index = int.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
        parent.AsArray().Insert(index + 1, parent[index]!.DeepClone());
    }

    /// <summary>Moves the component at <paramref name="pointer"/> into a new container's <paramref name="branch"/>.</summary>
    private static void Wrap(JsonNode root, string pointer, string containerJson, string branch)
    {
        var (parent, last) = Parent(root, pointer);
        var index = int.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
        var component = parent[index]!.DeepClone();
        var container = JsonNode.Parse(containerJson)!;
        container[branch]!.AsArray().Add(component);
        parent[index] = container;
    }

    private static void AddScreens(JsonObject flow, int count)
    {
        var screens = flow["screens"]!.AsArray();
        var template = screens[0]!;
        for (var i = 0; i < count; i++)
        {
            var copy = template.DeepClone();
            copy["id"] = "S_" + new string((char)('A' + (i / 26)), 1) + (char)('A' + (i % 26));
            screens.Add(copy);
        }
    }

    private static void AddBranches(JsonObject flow, int count)
    {
        var screens = flow["screens"]!.AsArray();
        for (var i = 0; i < count; i++)
        {
            var id = "END_" + (char)('A' + i);
            var copy = screens[2]!.DeepClone();
            copy["id"] = id;
            screens.Add(copy);
            flow["routing_model"]!["WELCOME"]!.AsArray().Add(id);
            flow["routing_model"]![id] = new JsonArray();
        }
    }
}
