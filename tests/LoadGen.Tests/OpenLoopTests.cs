using System.Diagnostics;
using Backend.LoadGen.Measurement;
using Backend.LoadGen.Scheduling;

namespace Backend.LoadGen.Tests;

/// <summary>Open-loop dispatch keeps the offered rate and measures latency from each intended start.</summary>
public sealed class OpenLoopTests
{
    [Fact]
    public async Task ASlowServerInflatesLatencyInsteadOfLoweringTheRate()
    {
        // A "server" that serves one request at a time in 20 ms: 50/s, offered 100/s for one second.
        using var server = new SemaphoreSlim(1);
        var latency = new LatencyHistogram();
        var served = new LatencyHistogram();
        var starts = new List<long>();
        var start = Stopwatch.GetTimestamp();

        var dispatched = await OpenLoop.RunAsync(100, start, start + Stopwatch.Frequency, long.MaxValue, async (_, intended) =>
        {
            lock (starts)
            {
                starts.Add(Stopwatch.GetTimestamp());
            }
            await server.WaitAsync();
            var began = Stopwatch.GetTimestamp();
            try
            {
                await Task.Delay(20);
            }
            finally
            {
                server.Release();
            }
            var end = Stopwatch.GetTimestamp();
            served.RecordTicks(began, end);
            latency.RecordTicks(intended, end);
        });

        // The rate was kept: all 100 were started within the second, although only ~50 could be served in it.
        Assert.Equal(100, dispatched);
        Assert.Equal(100, latency.TotalCount);
        Assert.True(Stopwatch.GetElapsedTime(start, starts.Max()) < TimeSpan.FromSeconds(1.5), "dispatch fell behind the schedule");
        // Measured from the intended start, the queue shows: the last requests waited about a second.
        Assert.True(latency.ValueAtPercentile(99) > 700_000_000, $"p99 {latency.ValueAtPercentile(99) / 1e6} ms");
        Assert.True(latency.ValueAtPercentile(50) > 5 * served.ValueAtPercentile(50), "latency should be dominated by queueing");
    }

    [Fact]
    public async Task ACountStopsDispatchBeforeTheEndAndEveryOperationGetsItsOwnIntendedStart()
    {
        var intendedStarts = new System.Collections.Concurrent.ConcurrentBag<(long Index, long Intended)>();
        var start = Stopwatch.GetTimestamp();

        var dispatched = await OpenLoop.RunAsync(1_000, start, start + (10 * Stopwatch.Frequency), 50, (index, intended) =>
        {
            intendedStarts.Add((index, intended));
            return Task.CompletedTask;
        });

        Assert.Equal(50, dispatched);
        Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(2));
        foreach (var (index, intended) in intendedStarts)
        {
            Assert.Equal(start + (long)(index * (Stopwatch.Frequency / 1_000.0)), intended);
        }
    }
}
