using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Backend.Api.Endpoint;
using Backend.Flows.Endpoint;
using Backend.Flows.FlowJson;
using Backend.Flows.FlowJson.Validation;
using Backend.Flows.Routing;
using Microsoft.Extensions.Options;

namespace Backend.Api.Simulator;

/// <summary>A validator finding as the simulator page shows it.</summary>
public sealed record SimulatorFinding(string Severity, string Code, string Pointer, string Message)
{
    internal static SimulatorFinding From(FlowValidationFinding finding) => new(
        finding.Severity == FindingSeverity.Error ? "error" : "warning", finding.Code, finding.Pointer.Length == 0 ? "/" : finding.Pointer, finding.Message);
}

/// <summary>
/// A flow the simulator runs: its Flow JSON as text and parsed (null when it is not a JSON object), the validator's
/// findings, and whether this backend serves it (a catalog flow it serves at <c>/flows/{name}</c>).
/// </summary>
public sealed record SimulatorFlow(string Key, string Name, bool Served, string Text, JsonObject? Json, IReadOnlyList<SimulatorFinding> Findings)
{
    /// <summary>Whether the flow calls an endpoint (its Flow JSON declares <c>data_api_version</c>).</summary>
    public bool UsesEndpoint => Json?["data_api_version"] is JsonValue;

    /// <summary>The screen with <paramref name="id"/>, if the Flow JSON declares it.</summary>
    public JsonObject? Screen(string id) =>
        (Json?["screens"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(s => s["id"] is JsonValue v && v.TryGetValue<string>(out var sid) && sid == id);

    /// <summary>What the page receives: the Flow JSON parsed, the findings, and how to run it.</summary>
    public SimulatorFlowView View(string? endpointUrl) => new(Key, Name, Served, UsesEndpoint, endpointUrl, Json, Findings,
        Findings.Count(f => f.Severity == "error"), Findings.Count(f => f.Severity == "warning"));

    /// <summary>Validates <paramref name="text"/> and parses it for the page.</summary>
    public static SimulatorFlow Read(string key, string name, bool served, string text)
    {
        var result = FlowJsonValidator.Validate(text);
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(text, documentOptions: new() { MaxDepth = 256 }) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // The validator has reported it (INVALID_FLOW_JSON).
        }
        return new(key, name, served, text, json, [.. result.Errors.Select(SimulatorFinding.From), .. result.Warnings.Select(SimulatorFinding.From)]);
    }
}

/// <summary>A flow as the page receives it.</summary>
public sealed record SimulatorFlowView(
    string Key, string Name, bool Served, bool UsesEndpoint, string? EndpointUrl, JsonObject? FlowJson,
    IReadOnlyList<SimulatorFinding> Findings, int Errors, int Warnings);

/// <summary>A catalog flow in the page's list.</summary>
public sealed record SimulatorCatalogEntry(string Name, bool Served, int Screens);

/// <summary>
/// The flows the simulator can run: the product's catalog (<see cref="FlowRegistry"/>) by name, and Flow JSON files
/// posted to it, kept in this node's memory under a random key (the newest <see cref="SimulatorOptions.MaxUploads"/>).
/// </summary>
internal sealed class SimulatorFlows(FlowRegistry catalog, ServedFlows served, IOptions<SimulatorOptions> options)
{
    /// <summary>The prefix of an uploaded flow's key.</summary>
    public const string UploadPrefix = "upload-";

    private readonly ConcurrentDictionary<string, SimulatorFlow> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly Lock _catalogLock = new();
    private Dictionary<string, SimulatorFlow>? _catalog;

    /// <summary>The catalog's flows.</summary>
    public IReadOnlyList<SimulatorCatalogEntry> Catalog() =>
        [.. Catalogued().Values.Select(f => new SimulatorCatalogEntry(f.Name, f.Served, (f.Json?["screens"] as JsonArray)?.Count ?? 0))];

    /// <summary>A catalog flow by name, or an uploaded one by key.</summary>
    public SimulatorFlow? Find(string key) =>
        key.StartsWith(UploadPrefix, StringComparison.Ordinal)
            ? _uploads.GetValueOrDefault(key)
            : Catalogued().GetValueOrDefault(key);

    /// <summary>Keeps an uploaded Flow JSON file (validated) and returns it with its new key.</summary>
    public SimulatorFlow Upload(string name, string text)
    {
        var key = UploadPrefix + FlowTokens.Mint()[..16].Replace('_', 'x').Replace('-', 'y');
        var flow = SimulatorFlow.Read(key, name, served: false, text);
        _uploads[key] = flow;
        _order.Enqueue(key);
        while (_order.Count > options.Value.MaxUploads && _order.TryDequeue(out var oldest))
        {
            _uploads.TryRemove(oldest, out _);
        }
        return flow;
    }

    private Dictionary<string, SimulatorFlow> Catalogued()
    {
        lock (_catalogLock)
        {
            return _catalog ??= catalog.Names.ToDictionary(
                n => n,
                n => SimulatorFlow.Read(n, n, served.Contains(n), FlowJsonSerializer.Serialize(catalog.Find(n)!.FlowJson)),
                StringComparer.Ordinal);
        }
    }
}
