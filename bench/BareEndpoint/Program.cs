using System.Buffers;
using System.Text;
using Backend.Flows.Endpoint;
using Backend.Flows.Security;

// The bench's reference for the ping (bench/Product.Bench, "ping-bare-c32"): a Kestrel endpoint that does only what
// Meta's protocol asks of any endpoint for a health check, the same way the product does it with src/Flows: read the
// body, check X-Hub-Signature-256, parse the envelope, unwrap the AES key with RSA-OAEP, open the AES-GCM payload,
// parse the request, seal the answer. No routing table beyond one route, no middleware, no logging, no metrics, no
// deadline, no rate limit, no grains. Its CPU per ping is what the product's ping cannot go below on the same HTTP
// server; the bench sets the product's against it. Settings as the Api names them: FlowEndpoint:Keys:0:Path (private
// key PEM) and Meta:AppSecret.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var keyPath = builder.Configuration["FlowEndpoint:Keys:0:Path"] ?? throw new InvalidOperationException("FlowEndpoint:Keys:0:Path is required.");
var appSecret = builder.Configuration["Meta:AppSecret"] ?? throw new InvalidOperationException("Meta:AppSecret is required.");
var cipher = new FlowCipher(new FlowKeyRing([FlowKeyRing.LoadPrivateKeyFile(keyPath)]));
var signature = new HubSignature([appSecret]);
var health = Encoding.UTF8.GetBytes("""{"data":{"status":"active"}}""");

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("Healthy"));
app.MapPost("/flows/{name}", async (HttpContext http) =>
{
    var read = await http.Request.BodyReader.ReadAsync();
    while (!read.IsCompleted)
    {
        http.Request.BodyReader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        read = await http.Request.BodyReader.ReadAsync();
    }
    var body = read.Buffer.ToArray();
    http.Request.BodyReader.AdvanceTo(read.Buffer.End);
    if (!signature.Verify(body, http.Request.Headers[HubSignature.HeaderName]))
    {
        return Results.StatusCode(432);
    }
    using var exchange = cipher.Open(FlowEnvelope.Parse(body));
    return exchange.ParseRequest() is HealthCheckRequest
        ? Results.Text(exchange.Seal(health), "text/plain")
        : Results.BadRequest();
});
app.Run();
