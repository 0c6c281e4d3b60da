namespace PayTrust.Application.Abstractions;

/// <summary>The request headers of a webhook, looked up without regard to case (HTTP header names are case-insensitive).</summary>
public interface IWebhookHeaders
{
    /// <summary>The header's value (several values joined with ", "), or null when it is absent.</summary>
    string? Find(string name);

    /// <summary>
    /// The headers that may be stored with the event (§7.4 step 2): all but the secrets and signatures
    /// (<see cref="WebhookHeaderNames.IsSecret"/>) — a stored callback token would be a stored credential.
    /// </summary>
    IReadOnlyDictionary<string, string> Storable { get; }
}
