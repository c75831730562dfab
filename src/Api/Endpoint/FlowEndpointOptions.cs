using System.ComponentModel.DataAnnotations;

namespace Backend.Api.Endpoint;

/// <summary>Settings of the encrypted data endpoint (section <c>FlowEndpoint</c>).</summary>
public sealed class FlowEndpointOptions
{
    public const string Section = "FlowEndpoint";

    /// <summary>
    /// Flow names served at <c>POST /flows/{name}</c> besides the registered flow definitions (which are always
    /// served). Other names answer 404 before any decryption.
    /// </summary>
    public List<string> Flows { get; set; } = [];

    /// <summary>Private keys, current first; more than one while a key is being rotated.</summary>
    public List<FlowPrivateKeyOptions> Keys { get; set; } = [];

    /// <summary>
    /// With no <see cref="Keys"/>, generate (once) and use a development key at <see cref="DevelopmentKeyPath"/>.
    /// Defaults to true in the Development environment only.
    /// </summary>
    public bool? GenerateDevelopmentKey { get; set; }

    /// <summary>Where the generated development key lives (relative to the content root).</summary>
    public string DevelopmentKeyPath { get; set; } = ".dev/flows-dev-private.pem";

    /// <summary>Largest accepted request body. Meta caps the data channel at 1 MB; base64 adds a third.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// The longest flow token accepted. Longer ones cannot be this backend's (it issues 43 characters) and answer
    /// 427 before any grain is called, so junk tokens cannot make the service hold large keys.
    /// </summary>
    [Range(16, 64 * 1024)]
    public int MaxFlowTokenLength { get; set; } = 1024;

    /// <summary>The deepest nesting of objects and arrays in a decrypted payload; deeper answers 400.</summary>
    [Range(4, 256)]
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>
    /// The longest string (a field's name or value) in a decrypted payload, in characters; longer answers 400. A
    /// form field holds far less; media uploads carry URLs and hashes, not files.
    /// </summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxFieldLength { get; set; } = 64 * 1024;

    /// <summary>Deadline of one request. Meta counts a request over 10 s as a timeout; answer well before.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The body of a 427 (invalidated flow token) answer. Meta's docs show plain JSON; Meta's example encrypts it.
    /// </summary>
    public InvalidatedTokenBody InvalidatedTokenBody { get; set; } = InvalidatedTokenBody.PlainJson;

    /// <summary>
    /// When <c>flow_token_signature</c> (data API 4.0) is checked against <c>Meta:AppSecret</c>; a failed check answers
    /// 432 before any handler. <see cref="FlowTokenSignatureMode.WhenPresent"/> by default: flows on data API 3.0 or
    /// Flow JSON before 7.3 never send one, so requiring it would refuse them all.
    /// </summary>
    public FlowTokenSignatureMode TokenSignature { get; set; } = FlowTokenSignatureMode.WhenPresent;

    /// <summary>
    /// The JWT claim that carries the flow token. Meta does not document its name; <c>flow_token</c> (the request's
    /// own field name) is this backend's choice until a real request shows otherwise.
    /// </summary>
    [Required, MinLength(1)]
    public string TokenSignatureClaim { get; set; } = Backend.Flows.Security.FlowTokenSignature.DefaultClaim;
}

/// <summary>When the endpoint checks <c>flow_token_signature</c>.</summary>
public enum FlowTokenSignatureMode
{
    /// <summary>Never: the JWT is ignored.</summary>
    Off,

    /// <summary>When a request carries one (and an app secret is configured); requests without one pass.</summary>
    WhenPresent,

    /// <summary>Every INIT, BACK and data_exchange request must carry a valid one (needs <c>Meta:AppSecret</c>).</summary>
    Required,
}

/// <summary>One private key: a PEM file or inline PEM text, with the passphrase when it is encrypted.</summary>
public sealed class FlowPrivateKeyOptions
{
    public string? Path { get; set; }

    public string? Pem { get; set; }

    public string? Passphrase { get; set; }
}

/// <summary>How a 427 answer carries its <c>error_msg</c>.</summary>
public enum InvalidatedTokenBody
{
    /// <summary><c>{"error_msg":…}</c> as <c>application/json</c>, as on Meta's error-codes page.</summary>
    PlainJson,

    /// <summary>The same JSON encrypted like a 200 answer, as Meta's reference endpoint (commented out) does.</summary>
    Encrypted,
}
