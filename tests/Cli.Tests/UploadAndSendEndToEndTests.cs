using Backend.TestSupport;
using Backend.TestSupport.Graph;

namespace Backend.Cli.Tests;

/// <summary>`flows upload` then `flows send`, through the real entry point, against the fake Graph API.</summary>
public sealed class UploadAndSendEndToEndTests : FakeGraphCliTest
{
    [Fact]
    public async Task UploadThenSendMakesExactlyTheDocumentedRequestsAndPrintsTheOutcome()
    {
        var flow = Cli.Graph.AddFlow("Static sign up");
        var file = Cli.PathOf("sign-up.json");
        // The seed's static flow at a version Meta still publishes, so the offline check has nothing to say.
        File.WriteAllText(file, File.ReadAllText(TestData.Path("golden", "static-sign-up-flow.json"))
            .Replace("\"version\": \"3.0\"", "\"version\": \"7.3\"", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(file);

        var upload = await Cli.RunAsync("upload", file, "--flow", flow.Id);
        var send = await Cli.RunAsync("send", "--to", "+15550001111", "--flow", flow.Id, "--draft",
            "--token", "tok-e2e-1", "--cta", "Sign up", "--body", "Finish signing up", "--screen", "SIGN_UP");

        Assert.Equal((0, ""), (upload.ExitCode, upload.Error));
        Assert.Equal($"Uploaded sign-up.json ({bytes.Length} bytes) to flow {flow.Id}.\nNo validation errors.\n", upload.Out);
        Assert.Equal((0, ""), (send.ExitCode, send.Error));
        Assert.Equal($"Sent draft flow {flow.Id} to +15550001111: message wamid.FAKE000001, flow_token tok-e2e-1\n", send.Out);

        var requests = Cli.Graph.Requests;
        Assert.Equal([$"POST {flow.Id}/assets", $"POST {Cli.Graph.PhoneNumberId}/messages"], requests.Select(r => r.ToString()));
        Assert.All(requests, r => Assert.Equal("Bearer " + Cli.Graph.AccessToken, r.Headers["authorization"]));

        var asset = requests[0];
        Assert.Equal($"/v23.0/{flow.Id}/assets", asset.Path);
        Assert.Equal(["file", "name", "asset_type"], asset.Parts.Select(p => p.Name));
        Assert.Equal(bytes, asset.Parts[0].Body);
        Assert.Equal(("flow.json", "application/json"), (asset.Parts[0].FileName, asset.Parts[0].ContentType));
        Assert.Equal(("flow.json", "FLOW_JSON"), (asset.Parts[1].Text, asset.Parts[2].Text));

        var message = requests[1];
        Assert.Equal($"/v23.0/{Cli.Graph.PhoneNumberId}/messages", message.Path);
        Assert.Equal("application/json", message.MediaType);
        Assert.Equal(
            "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+15550001111\",\"type\":\"interactive\"," +
            "\"interactive\":{\"type\":\"flow\",\"body\":{\"text\":\"Finish signing up\"}," +
            "\"action\":{\"name\":\"flow\",\"parameters\":{\"flow_message_version\":\"3\",\"flow_token\":\"tok-e2e-1\",\"flow_id\":\"" + flow.Id + "\"," +
            "\"flow_cta\":\"Sign up\",\"flow_action\":\"navigate\",\"flow_action_payload\":{\"screen\":\"SIGN_UP\"},\"mode\":\"draft\"}}}}",
            message.BodyText);
    }

    [Fact]
    public async Task UploadOfAFlowDefinedInCsharpSendsItsFlowJson()
    {
        var flow = Cli.Graph.AddFlow("Sign up");

        var upload = await Cli.RunAsync("upload", "sign_up", "--flow", flow.Id);

        var expected = Backend.Flows.FlowJson.FlowJsonSerializer.Serialize(Backend.FlowCatalog.SignUp.SignUpFlowJson.Document);
        Assert.Equal((0, ""), (upload.ExitCode, upload.Error));
        Assert.Equal($"Uploaded sign_up.json ({System.Text.Encoding.UTF8.GetByteCount(expected)} bytes) to flow {flow.Id}.\nNo validation errors.\n", upload.Out);
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(Cli.Graph.RequestsTo("POST", "/assets").Single().Parts[0].Body));
    }

    [Fact]
    public async Task UploadAndSendFindTheFlowByName()
    {
        Cli.Graph.AddFlow("Other");
        var flow = Cli.Graph.AddFlow("Sign up", FlowState.Published, "{}");
        var file = Cli.PathOf("flow.json");
        await File.WriteAllTextAsync(file, """{"version":"7.3","screens":[{"id":"A","terminal":true,"layout":{"type":"SingleColumnLayout","children":[{"type":"Footer","label":"Done","on-click-action":{"name":"complete","payload":{}}}]}}]}""");

        var upload = await Cli.RunAsync("upload", file, "--flow", "Sign up");
        var send = await Cli.RunAsync("send", "--to", "15550002222", "--flow", "Sign up", "--action", "data-exchange", "--draft");

        Assert.Equal(0, upload.ExitCode);
        Assert.Equal(0, send.ExitCode);
        Assert.Equal([$"GET {Cli.Graph.WabaId}/flows?fields=id,name,status,categories,validation_errors", $"POST {flow.Id}/assets", $"POST {Cli.Graph.PhoneNumberId}/messages"],
            Cli.Graph.Requests.Select(r => r.ToString()));
        var parameters = Cli.Graph.SentMessages.Single()["interactive"]!["action"]!["parameters"]!.AsObject();
        Assert.Equal("Sign up", parameters["flow_name"]!.GetValue<string>());
        Assert.Equal("data_exchange", parameters["flow_action"]!.GetValue<string>());
        // Uploading moved the published flow back to draft (the lifecycle of https://developers.facebook.com/docs/whatsapp/flows/reference/flowsapi), so only the draft can be sent.
        Assert.Equal("draft", parameters["mode"]!.GetValue<string>());
        var token = parameters["flow_token"]!.GetValue<string>();
        Assert.Equal(43, token.Length); // FlowTokens.Mint: 256 bits, base64url
        Assert.EndsWith($"flow_token {token}\n", send.Out);
    }

    [Fact]
    public async Task UploadStopsAtTheOfflineCheckWithoutCallingMeta()
    {
        var flow = Cli.Graph.AddFlow("F");
        var file = Cli.PathOf("broken.json");
        await File.WriteAllTextAsync(file, "{\"version\": \"7.3\",\n \"screens\": [}");

        var result = await Cli.RunAsync("upload", file, "--flow", flow.Id);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Offline check of broken.json: 1 finding(s).", result.Out);
        Assert.Contains("INVALID_FLOW_JSON", result.Out);
        Assert.Contains("not uploaded", result.Error);
        Assert.Empty(Cli.Graph.Requests);
    }

    [Fact]
    public async Task UploadUsesThePreflightSeam()
    {
        var flow = Cli.Graph.AddFlow("F");
        var file = Cli.PathOf("ok.json");
        await File.WriteAllTextAsync(file, """{"version":"7.3","screens":[{"id":"A","terminal":true,"layout":{"type":"SingleColumnLayout","children":[{"type":"Footer","label":"Done","on-click-action":{"name":"complete","payload":{}}}]}}]}""");
        Cli.Preflight = new FixedPreflight(new PreflightFinding("TEXT_TOO_LONG", "TextHeading is over 80 characters.", "screens[0].layout.children[0]", 3, 7, IsError: false));

        var result = await Cli.RunAsync("upload", file, "--flow", flow.Id);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("TEXT_TOO_LONG (warning)", result.Out);
        Assert.Contains("3:7", result.Out);
        Assert.Single(Cli.Graph.Requests);
    }

    [Fact]
    public async Task UploadShowsMetasValidationErrorsAsATableAndExits1()
    {
        var flow = Cli.Graph.AddFlow("F");
        var file = Cli.PathOf("noversion.json");
        await File.WriteAllTextAsync(file, """{"screens":[]}""");

        var result = await Cli.RunAsync("upload", file, "--flow", flow.Id, "--skip-preflight");

        Assert.Equal(1, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Equal("Meta reported 2 validation error(s):", lines[1]);
        Assert.Contains(lines, l => l.Contains("MISSING_FLOW_JSON_VERSION") && l.Contains("1:1"));
        Assert.Contains(lines, l => l.Contains("MIN_ITEMS_REQUIRED") && l.Contains("screens"));
    }

    [Fact]
    public async Task SendingABlockedFlowExits1WithMetasErrorAndNoTokenInOutput()
    {
        var flow = Cli.Graph.AddFlow("B", FlowState.Blocked, "{}");

        var result = await Cli.RunAsync("send", "--to", "+15550001111", "--flow", flow.Id);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Graph API error 132068", result.Error);
        Assert.DoesNotContain(Cli.Graph.AccessToken, result.Error + result.Out);
    }

    [Fact]
    public async Task SendChecksTheMessageBeforeCallingMeta()
    {
        var result = await Cli.RunAsync("send", "--to", "+1555", "--flow", "1", "--cta", new string('x', 31), "--action", "data-exchange", "--screen", "A");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("flow_cta: 31 characters, at most 30 allowed.", result.Error);
        Assert.Contains("only allowed with flow_action navigate", result.Error);
        Assert.Empty(Cli.Graph.Requests);
    }

    private sealed class FixedPreflight(params PreflightFinding[] findings) : IFlowJsonPreflight
    {
        public IReadOnlyList<PreflightFinding> Check(Backend.Flows.Graph.FlowJsonContent flowJson) => findings;
    }
}
