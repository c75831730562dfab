using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backend.Api;

/// <summary>The JSON of the Api's own routes (the admin API, the dashboard's API): snake_case names and enum values, as Meta's APIs write them.</summary>
internal static class ApiJson
{
    /// <summary>Sets the snake_case policy for every minimal API route.</summary>
    public static IHostApplicationBuilder AddApiJson(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        return builder;
    }
}
