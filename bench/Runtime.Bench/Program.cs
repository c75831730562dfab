// Grain runtime benchmark: call throughput and latency in memory and on Postgres, beside the
// machine's raw SELECT 1 round-trips on the same pool, and memory per idle activation.
// Usage: dotnet run -c Release --project bench/Runtime.Bench [-- <npgsql connection string>]
// Without a connection string (argument or BACKEND_TEST_POSTGRES) it starts a throwaway PostgreSQL.
using Backend.Runtime;
using Backend.Runtime.Bench;
using Backend.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

var phase = TimeSpan.FromSeconds(4);
const int Workers = 32;
const int Keys = 1024;
const int IdleActivations = 100_000;

var connectionString = args.FirstOrDefault();
await using var database = connectionString is null ? await PostgresDatabase.CreateAsync("bench") : null;
connectionString ??= database!.ConnectionString;

Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {phase.TotalSeconds:N0} s per measurement, {Workers} concurrent callers over {Keys} keys");
Console.WriteLine();

using (var memory = await StartAsync(storage: null))
{
    var grains = memory.Services.GetRequiredService<IGrainFactory>();
    var refs = Enumerable.Range(0, Keys).Select(k => grains.GetGrain<INoopGrain>($"noop-{k}")).ToArray();
    Console.WriteLine(await LoadRun.MeasureAsync("grain call, no-op grain, memory storage", Workers, phase,
        (worker, i) => refs[(int)((worker * 7919 + i) % Keys)].Ping()));
    var single = grains.GetGrain<INoopGrain>("noop-single");
    var before = NoopGrain.Calls;
    var one = await LoadRun.MeasureAsync("grain call, no-op grain, one caller", 1, phase, (_, _) => single.Ping());
    Console.WriteLine(one);
    // A turn that finishes before the caller awaits it completes the call without a second thread hop.
    Console.WriteLine($"{"  (calls that ran in the grain, warm-up included",-46} {NoopGrain.Calls - before,14:N0}; measured {one.Calls:N0})");
    await memory.StopAsync();
}

using (var postgres = await StartAsync(connectionString))
{
    var grains = postgres.Services.GetRequiredService<IGrainFactory>();
    var dataSource = ((PostgresGrainStorage)postgres.Services.GetRequiredService<IGrainStorage>()).DataSource;
    var refs = Enumerable.Range(0, Keys).Select(k => grains.GetGrain<ICounterGrain>($"counter-{k}")).ToArray();

    var select1 = await LoadRun.MeasureAsync("raw SELECT 1 round-trip, same pool", Workers, phase, async (_, _) =>
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync();
    });
    var rmw = await LoadRun.MeasureAsync("grain read-modify-write, Postgres storage", Workers, phase,
        (worker, i) => refs[(int)((worker * 7919 + i) % Keys)].Increment());
    Console.WriteLine(select1);
    Console.WriteLine(rmw);
    Console.WriteLine($"{"read-modify-write calls per SELECT 1",-46} {rmw.PerSecond / select1.PerSecond,14:P0}");
    await using (var connection = await dataSource.OpenConnectionAsync())
    await using (var sum = new NpgsqlCommand("SELECT sum((payload->>'count')::bigint) FROM grain_state", connection))
    {
        Console.WriteLine($"{"  (rows hold",-46} {await sum.ExecuteScalarAsync(),14:N0} increments in total)");
    }
    await postgres.StopAsync();
}

using (var idle = await StartAsync(storage: null))
{
    var grains = idle.Services.GetRequiredService<IGrainFactory>();
    Console.WriteLine(await MemoryPerActivationAsync("memory per idle activation (no-op grain)", key => grains.GetGrain<INoopGrain>(key).Ping()));
    Console.WriteLine(await MemoryPerActivationAsync("memory per idle activation (one persisted state)", key => grains.GetGrain<ICounterGrain>(key).Get()));
    await idle.StopAsync();
}

// Activates IdleActivations grains (in batches), and divides the managed heap's growth by their number.
static async Task<string> MemoryPerActivationAsync(string name, Func<string, Task> activate)
{
    await activate("warm-up");
    var before = GC.GetTotalMemory(forceFullCollection: true);
    for (var batch = 0; batch < IdleActivations; batch += 1000)
    {
        await Task.WhenAll(Enumerable.Range(batch, 1000).Select(k => activate($"idle-{k}")));
    }
    var after = GC.GetTotalMemory(forceFullCollection: true);
    return $"{name,-46} {(after - before) / (double)IdleActivations,14:N0} bytes ({IdleActivations:N0} activations)";
}

static async Task<IHost> StartAsync(string? storage)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.AddGrainRuntime(runtime => runtime
        .AddGrain<NoopGrain>()
        .AddGrain<CounterGrain>()
        .Configure(options =>
        {
            options.Storage = storage is null ? GrainStorageKind.Memory : GrainStorageKind.Postgres;
            options.ConnectionString = storage;
            options.ServiceId = "bench";
        }));
    var host = builder.Build();
    await host.StartAsync();
    return host;
}
