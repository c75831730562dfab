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

    Task<int> Get();
}

public sealed class NoopGrain : Grain, INoopGrain
{
    private static long s_calls;

    /// <summary>Calls that really ran in a grain, to check the measured figures against.</summary>
    public static long Calls => Interlocked.Read(ref s_calls);

    public Task Ping()
    {
        Interlocked.Increment(ref s_calls);
        return Task.CompletedTask;
    }
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

    public Task<int> Get() => Task.FromResult(counter.State.Count);
}
