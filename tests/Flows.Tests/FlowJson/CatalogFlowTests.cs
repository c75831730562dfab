using System.Text.Json.Nodes;
using Backend.FlowCatalog;
using Backend.FlowCatalog.Booking;
using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;

namespace Backend.Flows.Tests.FlowJson;

/// <summary>Every flow the product ships passes the validator (Meta's documented rules) and reads back as written.</summary>
public sealed class CatalogFlowTests
{
    public static TheoryData<string> Flows() => [.. Catalog.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Flows))]
    public void HasNeitherErrorsNorWarnings(string name)
    {
        var result = FlowJsonValidator.Validate(Catalog.Find(name)!.FlowJson);

        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => $"{e.Code} {e.Pointer} {e.Message}")));
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void ReadsBackAsWritten(string name)
    {
        var json = FlowJsonSerializer.Serialize(Catalog.Find(name)!.FlowJson);

        Assert.Equal(json, FlowJsonSerializer.Serialize(FlowJsonSerializer.Parse(json)));
    }

    [Fact]
    public void NamesAreUniqueAndEachNamesItsDefinition()
    {
        Assert.Equal(Catalog.All.Count, Catalog.All.Select(f => f.Name).Distinct().Count());
        Assert.All(Catalog.All, f => Assert.True(typeof(Backend.Flows.Routing.FlowDefinition).IsAssignableFrom(f.DefinitionType), f.Name));
    }

    [Fact]
    public void BookingIsFlowJson73WithTheCalendarsBoundsAndUnavailableDatesServedByTheEndpoint()
    {
        var json = JsonNode.Parse(FlowJsonSerializer.Serialize(BookingFlowJson.Document))!;

        Assert.Equal(("7.3", "4.0"), ((string)json["version"]!, (string)json["data_api_version"]!));
        var date = json["screens"]!.AsArray().Single(s => (string)s!["id"]! == BookingNames.Screens.Date)!;
        var calendar = date["layout"]!["children"]![1]!["children"]![0]!;
        Assert.Equal("CalendarPicker", (string)calendar["type"]!);
        Assert.Equal("${data.min_date}", (string)calendar["min-date"]!);
        Assert.Equal("${data.max_date}", (string)calendar["max-date"]!);
        Assert.Equal("${data.unavailable_dates}", (string)calendar["unavailable-dates"]!);
        Assert.Equal(
            """{"SERVICE":["DATE"],"DATE":["SLOT"],"SLOT":["CONFIRM"],"CONFIRM":["SLOT_TAKEN"],"SLOT_TAKEN":[]}""",
            json["routing_model"]!.ToJsonString());
    }
}
