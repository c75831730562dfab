namespace Backend.Runtime.Tests;

/// <summary>Polls for a condition instead of sleeping a guessed time.</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 15 s");
            await Task.Delay(10);
        }
    }
}
