namespace Backend.Grains;

/// <summary>
/// A grain could not save (or load) its state, so it answered nothing and dropped its activation: the next call
/// re-reads what was really saved. Retryable: the Api answers 503 with <c>Retry-After</c>. The message names the
/// state and the kind of failure, never stored values.
/// </summary>
[GenerateSerializer, Alias("state-not-saved")]
public sealed class StateNotSavedException : Exception
{
    public StateNotSavedException()
    {
    }

    public StateNotSavedException(string message) : base(message)
    {
    }

    public StateNotSavedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
