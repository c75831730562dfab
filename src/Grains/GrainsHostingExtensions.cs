using System.ComponentModel.DataAnnotations;
using Backend.Flows.Routing;
using Backend.Grains.Accounts;
using Backend.Grains.Flows;
using Backend.Grains.Sessions;
using Backend.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Backend.Grains;

/// <summary>Settings of accounts (section <c>Accounts</c>).</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>PBKDF2-SHA256 iterations of new password hashes; existing hashes keep theirs.</summary>
    [Range(PasswordHasher.MinimumIterations, 10_000_000)]
    public int PasswordIterations { get; set; } = PasswordHasher.MinimumIterations;
}

/// <summary>Registers the grains, the flow sessions and the seeds' sign-up flow.</summary>
public static class GrainsHostingExtensions
{
    /// <summary>
    /// Adds the grain runtime with this assembly's grains, session and account settings, and the sign-up flow.
    /// More flows are added with <see cref="AddFlow{TFlow}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddFlowGrains(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrainRuntime(runtime => runtime.AddGrainsFromAssembly(typeof(FlowSessionGrain).Assembly));
        builder.Services.AddOptions<FlowSessionOptions>().BindConfiguration(FlowSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => new PasswordHasher(sp.GetRequiredService<IOptions<AccountOptions>>().Value.PasswordIterations));
        builder.Services.TryAddSingleton<FlowCatalog>();
        builder.AddFlow<SignUpFlow>();
        return builder;
    }

    /// <summary>Registers a flow definition (served at <c>/flows/{its name}</c>).</summary>
    public static IHostApplicationBuilder AddFlow<TFlow>(this IHostApplicationBuilder builder)
        where TFlow : FlowDefinition, new()
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<FlowDefinition, TFlow>());
        return builder;
    }
}
