using System.Text.Json.Serialization;
using Backend.Api.Endpoint;

namespace Backend.Api;

/// <summary>Source-generated serialization for the Api's own JSON.</summary>
[JsonSerializable(typeof(InvalidatedTokenMessage))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
