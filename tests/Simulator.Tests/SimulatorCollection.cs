namespace Backend.Simulator.Tests;

/// <summary>One product, database and browser for every simulator test, which run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class SimulatorCollection : ICollectionFixture<SimulatorSite>
{
    public const string Name = "simulator";
}
