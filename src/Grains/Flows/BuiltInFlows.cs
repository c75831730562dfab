using Backend.Flows.Routing;

namespace Backend.Grains.Flows;

/// <summary>The flows this product ships, for tools that need their Flow JSON without hosting them (the CLI).</summary>
public static class BuiltInFlows
{
    /// <summary>Every built-in flow definition.</summary>
    public static IReadOnlyList<FlowDefinition> All { get; } = [new SignUpFlow()];

    /// <summary>The built-in flow named <paramref name="name"/>, if any.</summary>
    public static FlowDefinition? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
