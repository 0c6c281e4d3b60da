namespace PayTrust.Application.Abstractions;

/// <summary>Delivers a signed sandbox webhook over HTTP, as a real gateway would.</summary>
public interface ISandboxWebhookSender
{
    /// <summary>The receiver's HTTP status, or null when it could not be reached.</summary>
    Task<int?> SendAsync(string url, byte[] body, string signature, CancellationToken cancellationToken);
}
