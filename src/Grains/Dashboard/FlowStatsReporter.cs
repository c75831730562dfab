using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backend.Grains.Dashboard;

/// <summary>Marks a process that serves the data endpoint (an Api node), for the node's kind on the dashboard.</summary>
public sealed class EndpointNode;

/// <summary>
/// Sends this node's <see cref="FlowStats"/> to the cluster's <see cref="IFlowStatsGrain"/> every
/// <see cref="FlowDashboardOptions.ReportInterval"/>: one grain call per node per interval, whatever the traffic.
/// A failed report is not retried: the next one carries the cumulative counts anyway.
/// </summary>
internal sealed partial class FlowStatsReporter(
    FlowStats stats, IGrainFactory grains, IOptions<FlowDashboardOptions> options, IServiceProvider services, ILogger<FlowStatsReporter> logger)
    : BackgroundService
{
    private long _sequence;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!stats.Enabled)
        {
            return;
        }
        var silo = services.GetService<ILocalSiloDetails>();
        var api = services.GetService<EndpointNode>() is not null;
        var (node, kind) = silo is not null
            ? (silo.SiloAddress.ToString(), api ? "api+silo" : "silo")
            : ($"api {Environment.MachineName} pid {Environment.ProcessId}", "api");
        using var timer = new PeriodicTimer(options.Value.ReportInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var (alerts, sessions) = stats.DrainEvents();
            var report = new NodeStatsReport(node, kind, stats.StartedAt, ++_sequence, stats.Snapshot(), alerts, sessions);
            try
            {
                await grains.GetGrain<IFlowStatsGrain>(IFlowStatsGrain.Key).Report(report).WaitAsync(options.Value.ReportInterval * 5, stoppingToken);
                if (_failing)
                {
                    _failing = false;
                    LogRecovered(logger);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The cluster may not be up yet, or be failing over: say so once, keep counting.
                if (!_failing)
                {
                    _failing = true;
                    LogReportFailed(logger, ex.GetType().Name);
                }
            }
        }
    }

    [LoggerMessage(210, LogLevel.Warning, "Dashboard: this node's report did not reach the cluster ({ExceptionType}); counting goes on")]
    private static partial void LogReportFailed(ILogger logger, string exceptionType);

    [LoggerMessage(211, LogLevel.Information, "Dashboard: this node's reports reach the cluster again")]
    private static partial void LogRecovered(ILogger logger);
}
