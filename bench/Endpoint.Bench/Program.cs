using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Backend.Flows.Endpoint;
using Backend.TestSupport.Meta;

// Endpoint protocol cost against its ceiling, RSA-OAEP-SHA256 decryption, measured in the same run.
// Usage: dotnet run -c Release --project bench/Endpoint.Bench [-- seconds-per-round]
var secondsPerRound = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2.0;
const int Rounds = 3;
const int Distinct = 512;

using var rsa = RSA.Create(2048);
var cipher = new FlowCipher(new FlowKeyRing([FlowKeyRing.LoadPrivateKey(rsa.ExportPkcs8PrivateKeyPem())]));
var meta = new MetaFlowClient(new HttpClient(), rsa);

// A typical screen submission and answer (sign-up form, a few fields each way).
const string Payload = """{"version":"3.0","action":"data_exchange","screen":"SIGN_UP","flow_token":"3f9c1d2e-5b7a-4c8e-9f10-112233445566","data":{"first_name":"Ana","last_name":"Silva","email":"ana.silva@example.com","password":"S3cret-pass","confirm_password":"S3cret-pass"}}""";
var bodies = Enumerable.Range(0, Distinct).Select(_ => Encoding.UTF8.GetBytes(meta.Seal(Payload).EnvelopeJson())).ToArray();
var wrappedKeys = bodies.Select(b => FlowEnvelope.Parse(b).EncryptedAesKey).ToArray();
var answer = new NextScreenResponse("LOGIN", new JsonObject { ["email_initial_value"] = "ana.silva@example.com", ["is_email_disabled"] = false });

void RawRsa(int i)
{
    Span<byte> key = stackalloc byte[16];
    if (!cipher.Keys.TryUnwrapAesKey(wrappedKeys[i % Distinct], key))
    {
        throw new InvalidOperationException("unwrap failed");
    }
}

// The same work minus the RSA step: what the protocol adds on top of its ceiling.
var aesKeys = bodies.Select(b =>
{
    var key = new byte[16];
    cipher.Keys.TryUnwrapAesKey(FlowEnvelope.Parse(b).EncryptedAesKey, key);
    return key;
}).ToArray();

void ProtocolWithoutRsa(int i)
{
    var envelope = FlowEnvelope.Parse(bodies[i % Distinct]);
    if (!FlowAesGcm.TryDecrypt(aesKeys[i % Distinct], envelope.InitialVector, envelope.EncryptedFlowData, out var plaintext)
        || FlowRequest.Parse(plaintext) is not DataExchangeRequest)
    {
        throw new InvalidOperationException("decrypt failed");
    }
    _ = FlowAesGcm.EncryptResponse(aesKeys[i % Distinct], envelope.InitialVector, answer.ToUtf8Json());
}

void Protocol(int i)
{
    var envelope = FlowEnvelope.Parse(bodies[i % Distinct]);
    using var exchange = cipher.Open(envelope);
    if (exchange.ParseRequest() is not DataExchangeRequest)
    {
        throw new InvalidOperationException("parse failed");
    }
    _ = exchange.Seal(answer);
}

Console.WriteLine($"Endpoint protocol benchmark: {Environment.ProcessorCount} cores, {RuntimeDescription()}, {Rounds} rounds of {secondsPerRound:0.#} s per measurement");
foreach (var threads in new[] { 1, Environment.ProcessorCount })
{
    var rsaRates = new List<double>();
    var protocolRates = new List<double>();
    var restRates = new List<double>();
    Measure(RawRsa, threads, 0.5);
    Measure(Protocol, threads, 0.5);
    Measure(ProtocolWithoutRsa, threads, 0.5);
    for (var round = 0; round < Rounds; round++)
    {
        // Interleave the measurements so drift (other load, frequency) hits them alike.
        rsaRates.Add(Measure(RawRsa, threads, secondsPerRound));
        protocolRates.Add(Measure(Protocol, threads, secondsPerRound));
        restRates.Add(Measure(ProtocolWithoutRsa, threads, secondsPerRound));
    }
    var ceiling = Median(rsaRates);
    var protocol = Median(protocolRates);
    var rest = Median(restRates);
    Console.WriteLine($"threads={threads}: RSA-OAEP decrypt (ceiling) {ceiling,8:N0}/s | full request {protocol,8:N0}/s = {protocol / ceiling:P1} of ceiling | " +
        $"protocol without RSA {rest,9:N0}/s, i.e. {ceiling / rest:P1} added to each RSA decryption");
}

long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
for (var i = 0; i < 1000; i++)
{
    Protocol(i);
}
Console.WriteLine($"allocated per request: {(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1000:N0} bytes");

static double Measure(Action<int> operation, int threads, double seconds)
{
    var stop = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    var counts = new long[threads];
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
    {
        var i = t * 7919;
        long n = 0;
        while (stop.Elapsed < deadline)
        {
            for (var k = 0; k < 16; k++)
            {
                operation(i++);
            }
            n += 16;
        }
        counts[t] = n;
    });
    return counts.Sum() / stop.Elapsed.TotalSeconds;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static string RuntimeDescription() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
