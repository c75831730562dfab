using Backend.Flows.FlowJson;

namespace Backend.Grains.Flows;

/// <summary>The flows this product ships, for tools that need their Flow JSON without hosting them (the CLI).</summary>
public static class BuiltInFlows
{
    /// <summary>Every built-in flow.</summary>
    public static IReadOnlyList<BuiltInFlow> All { get; } = [new(SignUpFlow.FlowName, SignUpFlow.Json)];

    /// <summary>The built-in flow named <paramref name="name"/>, if any.</summary>
    public static BuiltInFlow? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}

/// <summary>A flow this product ships: its name and Flow JSON.</summary>
public sealed record BuiltInFlow(string Name, FlowJsonDocument FlowJson);
