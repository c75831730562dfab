namespace Backend.Api.Meta;

/// <summary>Settings shared with the Meta app (section <c>Meta</c>). Secrets come from configuration or environment only.</summary>
public sealed class MetaOptions
{
    public const string Section = "Meta";

    /// <summary>The app secret that signs endpoint requests and webhooks (<c>X-Hub-Signature-256</c>).</summary>
    public string? AppSecret { get; set; }

    /// <summary>Extra app secrets accepted during a rotation.</summary>
    public List<string> AdditionalAppSecrets { get; set; } = [];

    /// <summary>The token Meta echoes when the webhook subscription is verified.</summary>
    public string? WebhookVerifyToken { get; set; }

    /// <summary>All configured app secrets, current first.</summary>
    public IEnumerable<string> AppSecrets =>
        new[] { AppSecret }.Concat(AdditionalAppSecrets).OfType<string>().Where(s => s.Length > 0);
}
