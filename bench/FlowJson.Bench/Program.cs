using System.Diagnostics;
using System.Globalization;
using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;

// Serializes and validates a 100-screen flow many times and prints per-operation timings.
// Bounded: each measurement stops after its iteration count or its time budget, whichever comes
// first (1.5 s by default, plus 0.5 s warm-up), so the whole run stays under ~20 s.
var budget = TimeSpan.FromSeconds(args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1.5);
var flow = HundredScreens.Build();
var json = FlowJsonSerializer.Serialize(flow);
var check = FlowJsonValidator.Validate(flow);
Console.WriteLine($"Flow: {flow.Screens.Count} screens, {json.Length:N0} characters indented; validator: {check.Errors.Count} errors, {check.Warnings.Count} warnings.");
if (!check.IsValid)
{
    Console.WriteLine(string.Join(Environment.NewLine, check.Errors.Take(5)));
    return 1;
}

Measure("serialize (indented string)", () => FlowJsonSerializer.Serialize(flow));
Measure("serialize (compact UTF-8)", () => FlowJsonSerializer.SerializeToUtf8Bytes(flow));
Measure("validate (JSON text)", () => FlowJsonValidator.Validate(json));
var compact = FlowJsonSerializer.Serialize(flow, indented: false);
Measure("validate (compact JSON text)", () => FlowJsonValidator.Validate(compact));
Measure("JsonDocument.Parse alone (indented text)", () => { using var d = System.Text.Json.JsonDocument.Parse(json); return d.RootElement.ValueKind; });
Measure("validate (model: serialize + validate)", () => FlowJsonValidator.Validate(flow));
Measure("serialize + validate (text)", () => FlowJsonValidator.Validate(FlowJsonSerializer.Serialize(flow)));
Measure("parse into the model", () => FlowJsonSerializer.Parse(json));
return 0;

void Measure(string name, Func<object> operation)
{
    // Warm-up long enough for tiered JIT to reach tier 1 and the serializer to cache its metadata.
    var warmUp = Stopwatch.StartNew();
    while (warmUp.ElapsedMilliseconds < 500)
    {
        operation();
    }
    var samples = new List<double>(5000);
    var total = Stopwatch.StartNew();
    while (samples.Count < 5000 && total.Elapsed < budget)
    {
        var start = Stopwatch.GetTimestamp();
        operation();
        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
    samples.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-42} n={samples.Count,5}  min={samples[0],7:F3} ms  mean={samples.Average(),7:F3} ms  p50={samples[samples.Count / 2],7:F3} ms  p99={samples[(int)(samples.Count * 0.99)],7:F3} ms  max={samples[^1],7:F3} ms"));
}

/// <summary>A valid 100-screen endpoint flow: a chain of form screens, each navigating to the next.</summary>
internal static class HundredScreens
{
    public static FlowJsonDocument Build()
    {
        const int count = 100;
        var ids = Enumerable.Range(0, count).Select(i => "STEP_" + Letters(i)).ToList();
        var screens = new List<Screen>(count);
        var routes = new Dictionary<string, IReadOnlyList<string>>();
        for (var i = 0; i < count; i++)
        {
            var last = i == count - 1;
            var previous = new ScreenData("previous_answer", "Blue");
            var options = new ScreenData("options", new DataSourceItem[] { new("a", "Option A"), new("b", "Option B") });
            var answer = new TextInput { Name = "answer", Label = "Your answer", Required = true, InitValue = previous.Ref, HelperText = "Anything goes ✓" };
            var choice = new Dropdown { Name = "choice", Label = "Pick one", DataSource = options.Ref, Required = true };
            var notes = new TextArea { Name = "notes", Label = "Notes", MaxLength = 200 };
            var agree = new OptIn { Name = "agree", Label = "I confirm this step" };
            FlowAction action = last
                ? new CompleteAction { Payload = new() { ["answer"] = answer.Ref, ["choice"] = choice.Ref, ["first"] = new FormRef("answer", ids[0]) } }
                : new NavigateAction
                {
                    Next = ids[i + 1],
                    Payload = new()
                    {
                        ["previous_answer"] = answer.Ref,
                        ["options"] = new[] { new DataSourceItem("a", "Option A"), new DataSourceItem("b", "Option B") },
                    },
                };
            screens.Add(new Screen
            {
                Id = ids[i],
                Title = $"Step {i + 1} of {count}",
                Terminal = last ? true : null,
                Data = i == 0 ? null : [previous, options],
                Layout = new Layout
                {
                    Children =
                    [
                        new TextHeading($"Step {i + 1}"),
                        new TextBody("Tell us a little more — café, naïve, 👋 stay readable.") { Markdown = true },
                        new Form
                        {
                            Name = "form",
                            Children = i == 0
                                ? [new TextInput { Name = "answer", Label = "Your answer", Required = true }, notes, agree,
                                   new Footer { Label = "Next", OnClickAction = action with { } }]
                                : [answer, choice, notes, agree, new Footer { Label = last ? "Finish" : "Next", OnClickAction = action }],
                        },
                    ],
                },
            });
            routes[ids[i]] = last ? [] : [ids[i + 1]];
        }
        // The first screen has no dropdown, so its payload cannot use choice; it navigates with literals.
        screens[0] = screens[0] with
        {
            Layout = screens[0].Layout with
            {
                Children =
                [
                    .. screens[0].Layout.Children.Take(2),
                    new Form
                    {
                        Name = "form",
                        Children =
                        [
                            new TextInput { Name = "answer", Label = "Your answer", Required = true },
                            new Footer
                            {
                                Label = "Next",
                                OnClickAction = new NavigateAction
                                {
                                    Next = ids[1],
                                    Payload = new() { ["previous_answer"] = new FormRef("answer"), ["options"] = new[] { new DataSourceItem("a", "Option A") } },
                                },
                            },
                        ],
                    },
                ],
            },
        };
        return new FlowJsonDocument { Version = "7.3", DataApiVersion = "3.0", RoutingModel = routes, Screens = screens };
    }

    private static string Letters(int i) => $"{(char)('A' + (i / 26))}{(char)('A' + (i % 26))}";
}
