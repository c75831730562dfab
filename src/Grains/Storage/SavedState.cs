using Orleans.Storage;

namespace Backend.Grains.Storage;

/// <summary>
/// Saves a grain's persistent state so that an activation never serves state that was not saved: when a write
/// fails, the activation is marked stale (every later call on it fails with <see cref="StateNotSavedException"/>)
/// and dropped when idle, so the next call activates afresh and re-reads what the database really holds.
/// </summary>
internal sealed class SavedState<T>(IPersistentState<T> state)
{
    private bool _stale;

    /// <summary>Refuses a call on an activation whose state may differ from what was saved.</summary>
    public void ThrowIfStale()
    {
        if (_stale)
        {
            throw new StateNotSavedException("The grain's last write failed; its activation is being replaced. Retry.");
        }
    }

    /// <summary>Writes the state; on failure drops <paramref name="grain"/>'s activation and throws.</summary>
    /// <exception cref="StateNotSavedException">The write failed (database unreachable, statement refused).</exception>
    /// <exception cref="InconsistentStateException">Another activation wrote first; a retry re-reads its state.</exception>
    public async Task SaveAsync(IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _stale = true;
            grain.DeactivateOnIdle();
            if (ex is StateNotSavedException or InconsistentStateException)
            {
                throw;
            }
            // Not the provider's own exception: keep the type, not the message (it may quote stored values).
            throw new StateNotSavedException($"Could not save the grain's state: {ex.GetType().Name}.");
        }
    }
}
