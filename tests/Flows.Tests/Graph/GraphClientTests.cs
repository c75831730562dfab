using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Backend.Flows.Graph;
using Backend.TestSupport.Graph;

namespace Backend.Flows.Tests.Graph;

public sealed partial class GraphClientTests : GraphClientTest
{
    private const string ValidFlowJson = """{"version":"7.3","screens":[{"id":"START","terminal":true,"layout":{"type":"SingleColumnLayout","children":[]}}]}""";

    [Fact]
    public async Task CreateFlowPostsNameAndCategoriesAsJsonWithBearerToken()
    {
        var result = await Client.CreateFlowAsync(new CreateFlowRequest("Sign up", [FlowCategory.SignUp, FlowCategory.Other])
        {
            EndpointUri = new Uri("https://flows.example.com/flows/sign-up"),
        });

        Assert.True(result.Success);
        Assert.Empty(result.ValidationErrors);
        var request = Assert.Single(Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v23.0/{Server.WabaId}/flows", request.Path);
        Assert.Equal("Bearer " + Server.AccessToken, request.Headers["authorization"]);
        Assert.Equal("application/json", request.MediaType);
        Assert.Equal("""{"name":"Sign up","categories":["SIGN_UP","OTHER"],"endpoint_uri":"https://flows.example.com/flows/sign-up"}""", request.BodyText);
        Assert.Equal("Sign up", Server.Flows[result.Id].CurrentName);
    }

    [Fact]
    public async Task CreateFlowWithFlowJsonAndPublishPublishesIt()
    {
        var result = await Client.CreateFlowAsync(new CreateFlowRequest("Survey", [FlowCategory.Survey]) { FlowJson = ValidFlowJson, Publish = true });

        var body = Server.Requests.Single().Json!.AsObject();
        Assert.Equal(ValidFlowJson, body["flow_json"]!.GetValue<string>());
        Assert.True(body["publish"]!.GetValue<bool>());
        Assert.Equal(FlowState.Published, Server.Flows[result.Id].Status);
    }

    [Fact]
    public async Task CreateFlowReturnsMetasValidationErrorsAsFindings()
    {
        var result = await Client.CreateFlowAsync(new CreateFlowRequest("Broken", [FlowCategory.Other]) { FlowJson = """{"screens":[]}""" });

        Assert.Collection(result.ValidationErrors,
            e =>
            {
                Assert.Equal("MISSING_FLOW_JSON_VERSION", e.Error);
                Assert.Equal("FLOW_JSON_ERROR", e.ErrorType);
                Assert.Equal(1, e.LineStart);
            },
            e =>
            {
                Assert.Equal("MIN_ITEMS_REQUIRED", e.Error);
                Assert.Equal("screens", e.Path);
                Assert.Equal("1:1 MIN_ITEMS_REQUIRED: Property 'screens' should have at least 1 item. (screens)", e.ToString());
            });
    }

    [Fact]
    public async Task CreateFlowWithATakenNameThrowsFlowNameNotUniqueExceptionWithMetasFields()
    {
        Server.AddFlow("Sign up");

        var e = await Assert.ThrowsAsync<FlowNameNotUniqueException>(() => Client.CreateFlowAsync(new CreateFlowRequest("Sign up", [FlowCategory.SignUp])));

        Assert.Equal(100, e.Code);
        Assert.Equal(4016019, e.Subcode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("AfakeTrace100", e.FbTraceId);
        Assert.Equal("OAuthException", e.Error.Type);
        Assert.Contains("Flow name is not unique", e.Message);
        Assert.Contains("fbtrace_id AfakeTrace100", e.Message);
    }

    [Fact]
    public async Task CreateFlowChecksArgumentsBeforeCallingMeta()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateFlowAsync(new CreateFlowRequest("x", [])));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateFlowAsync(new CreateFlowRequest(" ", [FlowCategory.Other])));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateFlowAsync(new CreateFlowRequest("x", [FlowCategory.Other]) { Publish = true }));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task UpdateMetadataSendsOnlyTheFieldsSet()
    {
        var flow = Server.AddFlow("Old");

        await Client.UpdateFlowMetadataAsync(flow.Id, new UpdateFlowMetadataRequest
        {
            Name = "New",
            EndpointUri = new Uri("https://flows.example.com/f"),
            ApplicationId = "5550001",
        });

        var request = Server.Requests.Single();
        Assert.Equal($"POST {flow.Id}", request.ToString());
        Assert.Equal("""{"name":"New","endpoint_uri":"https://flows.example.com/f","application_id":"5550001"}""", request.BodyText);
        Assert.Equal("New", Server.Flows[flow.Id].CurrentName);
        Assert.Equal("5550001", Server.Flows[flow.Id].ApplicationId);
    }

    [Fact]
    public async Task UpdateMetadataWithNothingToUpdateIsRefusedLocally()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.UpdateFlowMetadataAsync("123", new UpdateFlowMetadataRequest()));
        Assert.Empty(Server.Requests);
    }

    public static TheoryData<string> UploadSources => ["string", "node", "stream", "file", "model"];

    [Theory]
    [MemberData(nameof(UploadSources))]
    public async Task UploadFlowJsonSendsTheFlowJsonAssetAsMultipart(string source)
    {
        var flow = Server.AddFlow("Upload");
        var path = Path.Combine(Path.GetTempPath(), $"flow-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, ValidFlowJson);
        try
        {
            var result = source switch
            {
                "string" => await Client.UploadFlowJsonAsync(flow.Id, ValidFlowJson),
                "node" => await Client.UploadFlowJsonAsync(flow.Id, JsonNode.Parse(ValidFlowJson)!),
                "stream" => await Client.UploadFlowJsonAsync(flow.Id, new MemoryStream(Encoding.UTF8.GetBytes(ValidFlowJson))),
                "file" => await Client.UploadFlowJsonFileAsync(flow.Id, path),
                _ => await Client.UploadFlowJsonAsync(flow.Id, new MiniFlow("7.3", [new MiniScreen("START")]), MiniJson.Default.MiniFlow),
            };

            Assert.True(result.IsValid);
            var request = Server.Requests.Single();
            Assert.Equal($"POST {flow.Id}/assets", request.ToString());
            Assert.Equal("multipart/form-data", request.MediaType);
            Assert.Equal(["file", "name", "asset_type"], request.Parts.Select(p => p.Name));
            var file = request.Parts[0];
            Assert.Equal("flow.json", file.FileName);
            Assert.Equal("application/json", file.ContentType);
            Assert.Equal("flow.json", request.Parts[1].Text);
            Assert.Equal("FLOW_JSON", request.Parts[2].Text);
            Assert.Equal("7.3", JsonNode.Parse(file.Text)!["version"]!.GetValue<string>());
            Assert.Equal(file.Text, Server.Flows[flow.Id].FlowJson);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UploadFlowJsonReturnsValidationErrorsWithPositions()
    {
        var flow = Server.AddFlow("Upload");

        var result = await Client.UploadFlowJsonAsync(flow.Id, "{\n  \"version\": \"7.3\",\n  \"screens\": [\n}");

        Assert.True(result.Success);
        Assert.False(result.IsValid);
        var error = Assert.Single(result.ValidationErrors);
        Assert.Equal("INVALID_FLOW_JSON", error.Error);
        Assert.Equal(4, error.LineStart);
    }

    [Fact]
    public void FlowJsonContentRefusesDocumentsOver10MB()
    {
        Assert.Throws<ArgumentException>(() => FlowJsonContent.FromString(new string(' ', FlowJsonContent.MaxBytes + 1)));
    }

    [Fact]
    public async Task GetFlowRequestsEveryDocumentedFieldAndReadsThem()
    {
        var flow = Server.AddFlow("Get", FlowState.Throttled, """{"version":"7.3","data_api_version":"3.0","screens":[{"id":"A"}]}""");
        await Client.UpdateFlowMetadataAsync(flow.Id, new UpdateFlowMetadataRequest { EndpointUri = new Uri("https://e.example.com/"), ApplicationId = "42" });

        var details = await Client.GetFlowAsync(flow.Id);

        var request = Server.Requests[^1];
        Assert.Equal("id,name,categories,preview,status,validation_errors,json_version,data_api_version,endpoint_uri,whatsapp_business_account,application,health_status", request.Query["fields"]);
        Assert.Equal(flow.Id, details.Id);
        Assert.Equal("Get", details.Name);
        Assert.Equal(FlowStatus.Throttled, details.Status);
        Assert.Equal([FlowCategory.Other], details.Categories);
        Assert.Equal("7.3", details.JsonVersion);
        Assert.Equal("3.0", details.DataApiVersion);
        Assert.Equal("https://e.example.com/", details.EndpointUri);
        Assert.Equal(Server.WabaId, details.WhatsAppBusinessAccount!.Id);
        Assert.Equal("42", details.Application!.Id);
        Assert.StartsWith("https://business.facebook.com/", details.Preview!.PreviewUrl);
        Assert.Equal(FlowSendability.Limited, details.HealthStatus!.CanSendMessage);
        var entity = details.HealthStatus.Entities![0];
        Assert.Equal("FLOW", entity.EntityType);
        Assert.Equal(139001, Assert.Single(entity.Errors!).ErrorCode);
    }

    [Fact]
    public async Task GetFlowWithChosenFieldsAndHealthForAPhoneNumber()
    {
        var flow = Server.AddFlow("Get");

        var details = await Client.GetFlowAsync(flow.Id, [FlowFields.Status, FlowFields.HealthStatusFor(Server.PhoneNumberId)]);

        Assert.Equal($"status,health_status.phone_number({Server.PhoneNumberId})", Server.Requests.Single().Query["fields"]);
        Assert.Equal(FlowStatus.Draft, details.Status);
        Assert.Null(details.Name);
        Assert.Equal(FlowSendability.Available, details.HealthStatus!.CanSendMessage);
    }

    [Fact]
    public async Task GetFlowPreviewCanInvalidateTheLink()
    {
        var flow = Server.AddFlow("Preview");

        var preview = await Client.GetFlowPreviewAsync(flow.Id, invalidate: true);

        Assert.Equal("preview.invalidate(true)", Server.Requests.Single().Query["fields"]);
        Assert.Equal("2030-01-01T00:00:00+0000", preview.ExpiresAt);
    }

    [Fact]
    public async Task GetFlowOfAnUnknownIdThrowsInvalidParameter()
    {
        var e = await Assert.ThrowsAsync<GraphInvalidParameterException>(() => Client.GetFlowAsync("999"));
        Assert.Equal(33, e.Subcode);
    }

    [Fact]
    public async Task ListFlowsFollowsCursorsUntilTheLastPage()
    {
        var ids = Enumerable.Range(1, 5).Select(i => Server.AddFlow($"Flow {i}").Id).ToList();

        var flows = new List<FlowDetails>();
        await foreach (var flow in Client.ListFlowsAsync(pageSize: 2))
        {
            flows.Add(flow);
        }

        Assert.Equal(ids, flows.Select(f => f.Id));
        Assert.All(flows, f => Assert.Equal(FlowStatus.Draft, f.Status));
        var requests = Server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.False(requests[0].Query.ContainsKey("after"));
        Assert.All(requests, r => Assert.Equal("2", r.Query["limit"]));
        Assert.All(requests, r => Assert.Equal($"/v23.0/{Server.WabaId}/flows", r.Path));
        Assert.NotEqual(requests[1].Query["after"], requests[2].Query["after"]);
    }

    [Fact]
    public async Task GetFlowsPageExposesTheNextCursor()
    {
        Server.AddFlow("A");
        Server.AddFlow("B");

        var first = await Client.GetFlowsPageAsync(limit: 1);
        var second = await Client.GetFlowsPageAsync(first.NextCursor, limit: 1);

        Assert.NotNull(first.NextCursor);
        Assert.Equal("B", Assert.Single(second.Data).Name);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task ListAssetsReturnsTheFlowJsonAsset()
    {
        var flow = Server.AddFlow("Assets", flowJson: ValidFlowJson);

        var assets = new List<FlowAsset>();
        await foreach (var asset in Client.ListAssetsAsync(flow.Id))
        {
            assets.Add(asset);
        }

        var only = Assert.Single(assets);
        Assert.Equal(("flow.json", "FLOW_JSON"), (only.Name, only.AssetType));
        Assert.Contains(flow.Id, only.DownloadUrl);
        Assert.Equal($"GET {flow.Id}/assets", Server.Requests.Single().ToString());
    }

    [Fact]
    public async Task PublishDeprecateAndDeleteFollowTheLifecycle()
    {
        var flow = Server.AddFlow("Life", flowJson: ValidFlowJson);
        var draft = Server.AddFlow("Draft");

        await Client.PublishFlowAsync(flow.Id);
        await Client.DeprecateFlowAsync(flow.Id);
        await Client.DeleteFlowAsync(draft.Id);

        Assert.Equal([$"POST {flow.Id}/publish", $"POST {flow.Id}/deprecate", $"DELETE {draft.Id}"], Server.Requests.Select(r => r.ToString()));
        Assert.All(Server.Requests, r => Assert.Empty(r.Body));
        Assert.Equal(FlowState.Deprecated, Server.Flows[flow.Id].Status);
        Assert.False(Server.Flows.ContainsKey(draft.Id));
    }

    [Fact]
    public async Task PublishFailureCarriesMetasReason()
    {
        var flow = Server.AddFlow("Broken", flowJson: "{}");
        await Client.UploadFlowJsonAsync(flow.Id, "{}");

        var e = await Assert.ThrowsAsync<FlowPublishException>(() => Client.PublishFlowAsync(flow.Id));

        Assert.Equal(139002, e.Code);
        Assert.Equal("The Flow JSON has validation errors.", e.Reason);
    }

    [Fact]
    public async Task DeprecatingADraftThrowsFlowDeprecateException()
    {
        var flow = Server.AddFlow("Draft");
        var e = await Assert.ThrowsAsync<FlowDeprecateException>(() => Client.DeprecateFlowAsync(flow.Id));
        Assert.Equal(139003, e.Code);
    }

    [Fact]
    public async Task DeletingAPublishedFlowThrowsFlowDeleteException()
    {
        var flow = Server.AddFlow("Live", FlowState.Published, ValidFlowJson);
        var e = await Assert.ThrowsAsync<FlowDeleteException>(() => Client.DeleteFlowAsync(flow.Id));
        Assert.Equal(139004, e.Code);
    }

    [Fact]
    public async Task UpdatingADeprecatedFlowThrowsFlowUpdateException()
    {
        var flow = Server.AddFlow("Old", FlowState.Deprecated);
        var e = await Assert.ThrowsAsync<FlowUpdateException>(() => Client.UpdateFlowMetadataAsync(flow.Id, new UpdateFlowMetadataRequest { Name = "x" }));
        Assert.Equal(139001, e.Code);
    }

    [Fact]
    public async Task MigrateFlowsPassesSourceAndNamesInTheQuery()
    {
        Server.AddFlow("One", wabaId: Server.OtherWabaId);

        var result = await Client.MigrateFlowsAsync(Server.OtherWabaId, ["One", "Missing"]);

        var request = Server.Requests.Single();
        Assert.Equal($"POST {Server.WabaId}/migrate_flows", $"{request.Method} {request.Resource}");
        Assert.Equal(Server.OtherWabaId, request.Query["source_waba_id"]);
        Assert.Equal("""["One","Missing"]""", request.Query["source_flow_names"]);
        Assert.Equal("One", Assert.Single(result.MigratedFlows).SourceName);
        Assert.Equal("Missing", Assert.Single(result.FailedFlows).SourceName);
    }

    [Fact]
    public async Task BusinessPublicKeyIsSetAsFormFieldAndReadBack()
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportSubjectPublicKeyInfoPem();

        await Client.SetBusinessPublicKeyAsync(pem);
        var info = await Client.GetBusinessPublicKeyAsync();

        var set = Server.Requests[0];
        Assert.Equal($"POST {Server.PhoneNumberId}/whatsapp_business_encryption", set.ToString());
        Assert.Equal("application/x-www-form-urlencoded", set.MediaType);
        Assert.Equal(pem, set.Form["business_public_key"]);
        Assert.Equal(pem, info.BusinessPublicKey);
        Assert.True(info.IsSignatureValid);
    }

    [Fact]
    public async Task BusinessPublicKeyIsReadFromTheDataWrappedFormToo()
    {
        using var rsa = RSA.Create(2048);
        await Client.SetBusinessPublicKeyAsync(rsa.ExportSubjectPublicKeyInfoPem());
        Server.WrapPublicKeyInData = true;

        var info = await Client.GetBusinessPublicKeyAsync();

        Assert.Equal("VALID", info.SignatureStatus);
    }

    [Fact]
    public async Task APrivateKeyOrAShortKeyIsNeverUploaded()
    {
        using var rsa = RSA.Create(2048);
        using var small = RSA.Create(1024);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Client.SetBusinessPublicKeyAsync(rsa.ExportPkcs8PrivateKeyPem()));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.SetBusinessPublicKeyAsync(small.ExportSubjectPublicKeyInfoPem()));

        Assert.Contains("never the private one", e.Message);
        Assert.Empty(Server.Requests);
    }

    [JsonSerializable(typeof(MiniFlow))]
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    private sealed partial class MiniJson : JsonSerializerContext;

    /// <summary>Stands in for the Flow JSON builder's model.</summary>
    private sealed record MiniFlow(string Version, IReadOnlyList<MiniScreen> Screens);

    private sealed record MiniScreen(string Id);
}
