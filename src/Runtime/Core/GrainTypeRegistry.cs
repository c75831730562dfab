using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Backend.Runtime;

/// <summary>
/// What the runtime knows about the registered grain classes and their interfaces, built once at
/// start from reflection (Orleans does this at compile time with its code generator).
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainInterfaceInfo> _byInterface = [];
    private readonly Dictionary<string, GrainInterfaceInfo> _byInterfaceName = new(StringComparer.Ordinal);

    public GrainTypeRegistry(IEnumerable<Type> grainClasses)
    {
        var classes = grainClasses.Distinct().Select(type => new GrainClassInfo(type)).ToList();
        foreach (var duplicate in classes.GroupBy(c => c.GrainType).Where(g => g.Count() > 1))
        {
            throw new InvalidOperationException(
                $"Grain type name '{duplicate.Key}' is used by {string.Join(", ", duplicate.Select(c => c.ClassType.FullName))}; give each a distinct [GrainType].");
        }
        foreach (var grainClass in classes)
        {
            foreach (var grainInterface in GrainInterfacesOf(grainClass.ClassType))
            {
                if (_byInterface.TryGetValue(grainInterface, out var existing))
                {
                    throw new InvalidOperationException(
                        $"{grainInterface.FullName} is implemented by both {existing.Class.ClassType.FullName} and {grainClass.ClassType.FullName}; one implementation per grain interface is supported.");
                }
                var info = new GrainInterfaceInfo(grainInterface, grainClass);
                _byInterface.Add(grainInterface, info);
                _byInterfaceName.Add(info.Name, info);
            }
        }
        Classes = classes;
    }

    public IReadOnlyList<GrainClassInfo> Classes { get; }

    public GrainInterfaceInfo GetInterface(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new ArgumentException(
                $"No grain class implementing {grainInterface.FullName} is registered; add it with AddGrainRuntime(r => r.AddGrain<...>()).",
                nameof(grainInterface));

    public GrainInterfaceInfo GetInterface(string interfaceName) =>
        _byInterfaceName.TryGetValue(interfaceName, out var info)
            ? info
            : throw new ArgumentException($"Unknown grain interface '{interfaceName}'.", nameof(interfaceName));

    public static bool IsGrainClass(Type type) =>
        type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
        && typeof(Grain).IsAssignableFrom(type)
        && GrainInterfacesOf(type).Any();

    private static IEnumerable<Type> GrainInterfacesOf(Type grainClass) =>
        grainClass.GetInterfaces().Where(i =>
            typeof(IGrainWithStringKey).IsAssignableFrom(i) && i != typeof(IGrainWithStringKey) && i != typeof(IGrain));
}

/// <summary>A grain class: its stable type name and how to construct it.</summary>
internal sealed class GrainClassInfo
{
    private readonly ConstructorInfo _constructor;
    private readonly Func<IServiceProvider, GrainActivation, object?>[] _arguments;

    public GrainClassInfo(Type classType)
    {
        if (!typeof(Grain).IsAssignableFrom(classType) || classType.IsAbstract)
        {
            throw new ArgumentException($"{classType.FullName} is not a concrete Grain class.", nameof(classType));
        }
        ClassType = classType;
        GrainType = classType.GetCustomAttribute<GrainTypeAttribute>()?.GrainType ?? DefaultGrainType(classType);
        _constructor = classType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new ArgumentException($"{classType.FullName} has no public constructor.", nameof(classType));
        _arguments = [.. _constructor.GetParameters().Select(ArgumentFor)];
    }

    public Type ClassType { get; }

    public string GrainType { get; }

    /// <summary>Constructs the grain for <paramref name="activation"/>; its persistent states register with it.</summary>
    public Grain Create(IServiceProvider services, GrainActivation activation)
    {
        var arguments = new object?[_arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = _arguments[i](services, activation);
        }
        GrainActivation.Constructing = activation;
        try
        {
            return (Grain)_constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        }
        finally
        {
            GrainActivation.Constructing = null;
        }
    }

    private static string DefaultGrainType(Type classType)
    {
        var name = classType.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }
        return name.ToLowerInvariant();
    }

    private Func<IServiceProvider, GrainActivation, object?> ArgumentFor(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } persistent)
        {
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                throw new ArgumentException(
                    $"Parameter '{parameter.Name}' of {ClassType.FullName} has [PersistentState] but is not an IPersistentState<T>.");
            }
            var create = typeof(GrainClassInfo).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type.GetGenericArguments()[0])
                .CreateDelegate<Func<GrainActivation, string, string?, object>>();
            var stateName = persistent.StateName;
            var storageName = persistent.StorageName;
            return (_, activation) => create(activation, stateName, storageName);
        }
        return (services, _) => services.GetService(type)
            ?? (parameter.HasDefaultValue
                ? parameter.DefaultValue
                : throw new InvalidOperationException(
                    $"No service of type {type.FullName} is registered for parameter '{parameter.Name}' of {ClassType.FullName}."));
    }

    private static object CreateState<T>(GrainActivation activation, string stateName, string? storageName)
    {
        var runtime = activation.Runtime;
        var storage = storageName is null
            ? runtime.Services.GetRequiredService<IGrainStorage>()
            : runtime.Services.GetKeyedService<IGrainStorage>(storageName) ?? runtime.Services.GetRequiredService<IGrainStorage>();
        var state = new PersistentState<T>(storage, stateName, activation.Id, runtime.Metrics);
        activation.AddState(state);
        return state;
    }
}

/// <summary>A grain interface, the class implementing it and its callable methods.</summary>
internal sealed class GrainInterfaceInfo
{
    public GrainInterfaceInfo(Type grainInterface, GrainClassInfo grainClass)
    {
        Interface = grainInterface;
        Name = grainInterface.FullName ?? grainInterface.Name;
        Class = grainClass;
        var methods = new[] { grainInterface }.Concat(grainInterface.GetInterfaces())
            .SelectMany(i => i.GetMethods())
            .Select(m => new GrainMethodInfo(grainInterface, m))
            .ToList();
        foreach (var overloaded in methods.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            throw new ArgumentException(
                $"{Name} declares '{overloaded.Key}' more than once; grain methods are addressed by name, so overloads are not supported.");
        }
        ByMethod = methods.ToDictionary(m => m.Method);
        ByName = methods.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    public Type Interface { get; }

    public string Name { get; }

    public GrainClassInfo Class { get; }

    public IReadOnlyDictionary<MethodInfo, GrainMethodInfo> ByMethod { get; }

    public IReadOnlyDictionary<string, GrainMethodInfo> ByName { get; }
}

/// <summary>
/// One grain method: how the activation invokes it (boxing the result) and how a reference turns
/// the runtime's boxed result back into the method's declared return type.
/// </summary>
internal sealed class GrainMethodInfo
{
    public GrainMethodInfo(Type grainInterface, MethodInfo method)
    {
        if (method.IsGenericMethodDefinition || method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new ArgumentException($"{grainInterface.FullName}.{method.Name}: grain methods cannot be generic or take ref/out parameters.");
        }
        Method = method;
        Name = method.Name;
        ParameterCount = method.GetParameters().Length;
        CallSpanName = $"{grainInterface.Name}/{method.Name}";
        TurnSpanName = $"{grainInterface.Name}/{method.Name} turn";
        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            Invoke = async (grain, args) =>
            {
                await (Task)Call(method, grain, args);
                return null;
            };
            ConvertResult = static result => result;
        }
        else if (returnType == typeof(ValueTask))
        {
            Invoke = async (grain, args) =>
            {
                await (ValueTask)Call(method, grain, args);
                return null;
            };
            ConvertResult = static result => new ValueTask(result);
        }
        else if (returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            var helper = returnType.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(ForTask) : nameof(ForValueTask);
            var pair = ((Func<object?, object?[], Task<object?>>, Func<Task<object?>, object>))typeof(GrainMethodInfo)
                .GetMethod(helper, BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(returnType.GetGenericArguments()[0])
                .Invoke(null, [method])!;
            (Invoke, ConvertResult) = pair;
        }
        else
        {
            throw new ArgumentException(
                $"{grainInterface.FullName}.{method.Name} returns {returnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }
    }

    public MethodInfo Method { get; }

    public string Name { get; }

    public int ParameterCount { get; }

    /// <summary>Name of the caller-side span, e.g. <c>ICartGrain/Add</c>.</summary>
    public string CallSpanName { get; }

    /// <summary>Name of the grain-side span.</summary>
    public string TurnSpanName { get; }

    /// <summary>Runs the method on a grain instance and boxes its result.</summary>
    public Func<object?, object?[], Task<object?>> Invoke { get; }

    /// <summary>Turns the runtime's boxed result into the declared return type (Task, ValueTask, ...).</summary>
    public Func<Task<object?>, object> ConvertResult { get; }

    private static object Call(MethodInfo method, object? grain, object?[] args) =>
        method.Invoke(grain, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null)
        ?? throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} returned a null task.");

    private static (Func<object?, object?[], Task<object?>>, Func<Task<object?>, object>) ForTask<T>(MethodInfo method) =>
        (async (grain, args) => await ((Task<T>)Call(method, grain, args)).ConfigureAwait(false),
         static result => Unbox<T>(result));

    private static (Func<object?, object?[], Task<object?>>, Func<Task<object?>, object>) ForValueTask<T>(MethodInfo method) =>
        (async (grain, args) => await ((ValueTask<T>)Call(method, grain, args)).ConfigureAwait(false),
         static result => new ValueTask<T>(Unbox<T>(result)));

    private static async Task<T> Unbox<T>(Task<object?> result) => (T)(await result.ConfigureAwait(false))!;
}
