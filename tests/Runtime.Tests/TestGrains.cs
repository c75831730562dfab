using System.Collections.Concurrent;

namespace Backend.Runtime.Tests;

/// <summary>Counts with read-modify-write of persisted state on every call.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();
}

/// <summary>Holds one string; the grain of the two-runtime race tests.</summary>
public interface IDocumentGrain : IGrainWithStringKey
{
    Task<string?> Read();

    Task Write(string text);
}

/// <summary>Keeps a total in memory and writes it only when deactivated.</summary>
public interface IWriteBehindGrain : IGrainWithStringKey
{
    Task AddSlowly(int amount, int delayMilliseconds);

    Task<int> Total();
}

/// <summary>Reports to <see cref="Probe"/>, for tests of scheduling and failures.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    Task<string> Ping();

    Task Record(string entry);

    Task Hold();

    ValueTask<int> Overlap(int delayMilliseconds);

    Task Fail(string message);

    Task CallSelf();

    Task Retire();
}

/// <summary>Fails its activation while <see cref="Probe.ActivationFailuresLeft"/> is positive.</summary>
public interface IFlakyActivationGrain : IGrainWithStringKey
{
    ValueTask<string> Ping();
}

/// <summary>Calls another grain from inside its turn.</summary>
public interface IRelayGrain : IGrainWithStringKey
{
    Task<int> IncrementCounter(string counterKey);
}

public sealed class CounterState
{
    public int Count { get; set; }
}

public sealed class DocumentState
{
    public string? Text { get; set; }
}

/// <summary>Shared with the grains of one test silo: what happened, plus levers to make things happen.</summary>
public sealed class Probe
{
    private int _running;
    private int _maxRunning;

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentDictionary<string, int> Activations { get; } = new();

    public ConcurrentDictionary<string, int> Deactivations { get; } = new();

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int HoldsStarted;

    public int ActivationFailuresLeft;

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public void Activated(string key) => Activations.AddOrUpdate(key, 1, (_, n) => n + 1);

    public void Deactivated(string key) => Deactivations.AddOrUpdate(key, 1, (_, n) => n + 1);

    public async Task<int> OverlapAsync(int delayMilliseconds)
    {
        var running = Interlocked.Increment(ref _running);
        int max;
        while (running > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, max) != max)
        {
        }
        await Task.Delay(delayMilliseconds);
        Interlocked.Decrement(ref _running);
        return MaxRunning;
    }
}

public sealed class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> counter,
    Probe probe) : Grain, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<int> Increment()
    {
        var next = counter.State.Count + 1;
        await Task.Yield(); // a lost update would show if two turns ever overlapped here
        counter.State.Count = next;
        await counter.WriteStateAsync();
        return next;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);
}

public sealed class DocumentGrain([PersistentState("document", "documents")] IPersistentState<DocumentState> document)
    : Grain, IDocumentGrain
{
    public Task<string?> Read() => Task.FromResult(document.State.Text);

    public async Task Write(string text)
    {
        document.State.Text = text;
        await document.WriteStateAsync();
    }
}

public sealed class WriteBehindGrain([PersistentState("total")] IPersistentState<CounterState> total) : Grain, IWriteBehindGrain
{
    public async Task AddSlowly(int amount, int delayMilliseconds)
    {
        await Task.Delay(delayMilliseconds);
        total.State.Count += amount;
    }

    public Task<int> Total() => Task.FromResult(total.State.Count);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        total.WriteStateAsync();
}

public sealed class ProbeGrain(Probe probe) : Grain, IProbeGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task<string> Ping() => Task.FromResult($"pong from {IdentityString}");

    public Task Record(string entry)
    {
        probe.Log.Enqueue(entry);
        return Task.CompletedTask;
    }

    public Task Hold()
    {
        Interlocked.Increment(ref probe.HoldsStarted);
        return probe.Gate.Task;
    }

    public async ValueTask<int> Overlap(int delayMilliseconds) => await probe.OverlapAsync(delayMilliseconds);

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public Task CallSelf() => GrainFactory.GetGrain<IProbeGrain>(this.GetPrimaryKeyString()).Ping();

    public Task Retire()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[GrainType("flaky")]
public sealed class FlakyActivationGrain(Probe probe) : Grain, IFlakyActivationGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated(this.GetPrimaryKeyString());
        return Interlocked.Decrement(ref probe.ActivationFailuresLeft) >= 0
            ? throw new InvalidOperationException("activation failed on purpose")
            : Task.CompletedTask;
    }

    public ValueTask<string> Ping() => ValueTask.FromResult("activated");
}

public sealed class RelayGrain : Grain, IRelayGrain
{
    public Task<int> IncrementCounter(string counterKey) => GrainFactory.GetGrain<ICounterGrain>(counterKey).Increment();
}
