namespace Backend.Runtime.Bench;

/// <summary>Does nothing: measures the call path alone.</summary>
public interface INoopGrain : IGrainWithStringKey
{
    Task Ping();
}

/// <summary>Reads, increments and writes its persisted count on every call.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();
}

public sealed class NoopGrain : Grain, INoopGrain
{
    public Task Ping() => Task.CompletedTask;
}

public sealed class CounterState
{
    public int Count { get; set; }
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        counter.State.Count++;
        await counter.WriteStateAsync();
        return counter.State.Count;
    }
}
