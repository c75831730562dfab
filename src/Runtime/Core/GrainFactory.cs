using System.Reflection;

namespace Backend.Runtime;

/// <summary>Hands out <see cref="GrainReference"/> proxies bound to this runtime.</summary>
internal sealed class GrainFactory(GrainRuntime runtime, GrainTypeRegistry registry) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(primaryKey);
        var grainInterface = registry.GetInterface(typeof(TGrainInterface));
        var proxy = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)proxy).Bind(runtime, grainInterface, primaryKey);
        return proxy;
    }
}

/// <summary>
/// A reference to a grain: every interface call becomes a <see cref="GrainCall"/> sent through
/// the runtime. Built at run time with <see cref="DispatchProxy"/>; Orleans generates the
/// equivalent class at compile time.
/// </summary>
public class GrainReference : DispatchProxy
{
    private GrainRuntime? _runtime;
    private GrainInterfaceInfo? _interface;

    /// <summary>The grain key this reference points at.</summary>
    public string Key { get; private set; } = "";

    internal void Bind(GrainRuntime runtime, GrainInterfaceInfo grainInterface, string key)
    {
        _runtime = runtime;
        _interface = grainInterface;
        Key = key;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_runtime is null || _interface is null)
        {
            throw new InvalidOperationException("This grain reference was not created by IGrainFactory.");
        }
        var method = _interface.ByMethod[targetMethod];
        var call = new GrainCall(_interface.Name, Key, method.Name, args ?? []);
        return method.ConvertResult(_runtime.InvokeAsync(call, _interface, method));
    }

    /// <inheritdoc />
    public override string ToString() => $"GrainReference:{_interface?.Name}/{Key}";
}
