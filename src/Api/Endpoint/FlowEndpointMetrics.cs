using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Backend.Api.Endpoint;

/// <summary>Requests and latency of the data endpoint, by flow, kind (ping, INIT, …) and status.</summary>
internal sealed class FlowEndpointMetrics
{
    public const string MeterName = "Backend.Api.Endpoint";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public FlowEndpointMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("flows.endpoint.requests", description: "Data endpoint requests by flow, kind and status");
        _duration = meter.CreateHistogram<double>("flows.endpoint.duration", unit: "ms", description: "Time to answer a data endpoint request");
    }

    public void Record(string flow, string kind, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "flow", flow }, { "kind", kind }, { "status", status } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, tags);
    }
}
