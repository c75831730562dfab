namespace Backend.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime constructs a grain when its key receives its
/// first call, reads its persistent state, then calls <see cref="OnActivateAsync"/>; it calls
/// <see cref="OnDeactivateAsync"/> before dropping the activation (idle collection, shutdown,
/// an inconsistent-state error or <see cref="DeactivateOnIdle"/>).
/// Mirrors <c>Orleans.Grain</c>.
/// </summary>
public abstract class Grain
{
    private readonly GrainActivation? _activation;

    /// <summary>Binds the new instance to the activation being constructed, if any.</summary>
    protected Grain() => _activation = GrainActivation.Constructing;

    /// <summary>The grain's identity: its type name and key.</summary>
    public GrainId GrainId => Activation.Id;

    /// <summary>A factory for references to other grains (and to this one).</summary>
    public IGrainFactory GrainFactory => Activation.Runtime.Factory;

    /// <summary>A readable identity for logs, e.g. <c>counter/alice</c>.</summary>
    public string IdentityString => Activation.Id.ToString();

    internal GrainActivation Activation =>
        _activation ?? throw new InvalidOperationException(
            $"{GetType().Name} was not created by the grain runtime; obtain grains through IGrainFactory.");

    /// <summary>Called once per activation, after persistent state has been read and before the first call runs.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Called once before the activation is dropped. Write state here if the grain keeps changes
    /// in memory between writes; the call is bounded by the shutdown token.
    /// </summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Asks the runtime to deactivate this activation once the current call has finished.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivation();
}

/// <summary>Key access in the shape of Orleans' <c>GrainExtensions</c>: <c>this.GetPrimaryKeyString()</c>.</summary>
public static class GrainExtensions
{
    /// <summary>The string key of this grain.</summary>
    public static string GetPrimaryKeyString(this Grain grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return grain.GrainId.Key;
    }
}

/// <summary>Why an activation is being deactivated. Mirrors <c>Orleans.DeactivationReasonCode</c>.</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None,
    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,
    /// <summary>The activation was idle longer than the collection age.</summary>
    ActivationIdle,
    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    ApplicationRequested,
    /// <summary>A storage write found a different version than expected; state must be re-read.</summary>
    InconsistentState,
}

/// <summary>The reason passed to <see cref="Grain.OnDeactivateAsync"/>. Mirrors <c>Orleans.DeactivationReason</c>.</summary>
/// <param name="ReasonCode">The category.</param>
/// <param name="Description">A human-readable description.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description);
