using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Backend.Runtime.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task CallsActivationsAndFailuresAreMeasuredAndTraced()
    {
        var measurements = new ConcurrentBag<(string Instrument, double Value, string? Method)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GrainRuntimeTelemetryNames.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, MethodOf(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, MethodOf(tags))));
        listener.Start();
        var activities = new ConcurrentBag<string>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GrainRuntimeTelemetryNames.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                // Other tests run in parallel: keep only this test's grain.
                if (activity.GetTagItem("grain.id") as string == "probe/measured")
                {
                    activities.Add($"{activity.Kind} {activity.DisplayName} {activity.TraceId}");
                }
            },
        };
        ActivitySource.AddActivityListener(tracing);

        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IProbeGrain>("measured");
        await grain.Ping();
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("measured failure"));

        Assert.Contains(measurements, m => m is { Instrument: "backend.runtime.calls", Method: "Ping" });
        Assert.Contains(measurements, m => m is { Instrument: "backend.runtime.call.duration", Method: "Ping" } && m.Value > 0);
        Assert.Contains(measurements, m => m is { Instrument: "backend.runtime.call.failures", Method: "Fail" });
        Assert.Contains(measurements, m => m.Instrument == "backend.runtime.activations" && m.Value == 1);
        var client = Assert.Single(activities, a => a.StartsWith("Client IProbeGrain/Ping ", StringComparison.Ordinal));
        var traceId = client.Split(' ')[^1];
        Assert.Contains($"Server IProbeGrain/Ping turn {traceId}", activities);
    }

    [Fact]
    public async Task WithAnOtlpEndpointTheExportersStartAndStopWithTheHost()
    {
        await using var silo = await TestSilo.StartAsync(configure: o => o.OtlpEndpoint = "http://127.0.0.1:9");

        Assert.StartsWith("pong", await silo.Grains.GetGrain<IProbeGrain>("exported").Ping(), StringComparison.Ordinal);
        await silo.StopAsync();
    }

    private static string? MethodOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "grain.method")
            {
                return tag.Value as string;
            }
        }
        return null;
    }
}
