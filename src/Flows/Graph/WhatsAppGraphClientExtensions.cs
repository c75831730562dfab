using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Backend.Flows.Graph;

/// <summary>Convenience overloads: upload Flow JSON from text, a node, a model, a stream or a file.</summary>
public static class WhatsAppGraphClientExtensions
{
    /// <summary>Uploads Flow JSON text.</summary>
    public static Task<FlowJsonUploadResult> UploadFlowJsonAsync(this IWhatsAppGraphClient client, string flowId, string flowJson, CancellationToken cancellationToken = default) =>
        client.UploadFlowJsonAsync(flowId, FlowJsonContent.FromString(flowJson), cancellationToken);

    /// <summary>Uploads a Flow JSON document held as a <see cref="JsonNode"/>.</summary>
    public static Task<FlowJsonUploadResult> UploadFlowJsonAsync(this IWhatsAppGraphClient client, string flowId, JsonNode flowJson, CancellationToken cancellationToken = default) =>
        client.UploadFlowJsonAsync(flowId, FlowJsonContent.FromNode(flowJson), cancellationToken);

    /// <summary>Uploads a serializable Flow JSON model (such as the builder's) with its type info.</summary>
    public static Task<FlowJsonUploadResult> UploadFlowJsonAsync<T>(this IWhatsAppGraphClient client, string flowId, T flowJson, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        client.UploadFlowJsonAsync(flowId, FlowJsonContent.FromModel(flowJson, typeInfo), cancellationToken);

    /// <summary>Uploads the Flow JSON read from a stream.</summary>
    public static async Task<FlowJsonUploadResult> UploadFlowJsonAsync(this IWhatsAppGraphClient client, string flowId, Stream flowJson, CancellationToken cancellationToken = default) =>
        await client.UploadFlowJsonAsync(flowId, await FlowJsonContent.FromStreamAsync(flowJson, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Uploads the Flow JSON file at <paramref name="path"/>.</summary>
    public static async Task<FlowJsonUploadResult> UploadFlowJsonFileAsync(this IWhatsAppGraphClient client, string flowId, string path, CancellationToken cancellationToken = default) =>
        await client.UploadFlowJsonAsync(flowId, await FlowJsonContent.FromFileAsync(path, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
}
