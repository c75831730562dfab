using System.Globalization;
using System.Text.Json;

namespace Backend.Runtime;

/// <summary>
/// Serializes grain state with System.Text.Json (web defaults: camelCase). Add a source-generated
/// <c>JsonSerializerContext</c> through <see cref="GrainRuntimeBuilder.ConfigureStateSerializer"/>
/// for hot state types.
/// </summary>
public sealed class GrainStateSerializer
{
    /// <summary>Creates a serializer; <paramref name="options"/> defaults to <see cref="JsonSerializerDefaults.Web"/>.</summary>
    public GrainStateSerializer(JsonSerializerOptions? options = null)
    {
        Options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>The options in use (read-only).</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>State as JSON text.</summary>
    public string Serialize<T>(T state) => JsonSerializer.Serialize(state, Options);

    /// <summary>State from JSON text; a JSON <c>null</c> becomes a new state.</summary>
    public T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? NewState<T>();

    /// <summary>The value of a state that was never written: a new instance when the type has a parameterless constructor, else default.</summary>
    public static T NewState<T>() => StateDefaults<T>.Create();

    internal static string FormatEtag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The version an ETag stands for; a malformed ETag can never match a stored version.</summary>
    internal static long ParseEtag(string etag, GrainId grainId) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InconsistentStateException($"ETag '{etag}' of {grainId} is not a version this storage wrote.", null, etag);

    private static class StateDefaults<T>
    {
        private static readonly bool HasParameterlessConstructor =
            typeof(T).IsValueType || (!typeof(T).IsAbstract && typeof(T).GetConstructor(Type.EmptyTypes) is not null);

        public static T Create() => HasParameterlessConstructor ? Activator.CreateInstance<T>() : default!;
    }
}
