using System.Diagnostics.CodeAnalysis;

namespace PayTrust.Application.Abstractions;

/// <summary>Either a <see cref="GatewayNotification"/> or Malformed with a short reason (a permanent failure: never retried, §7.4 step 5).</summary>
public sealed class WebhookParseResult
{
    private WebhookParseResult(GatewayNotification? notification, string? reason)
    {
        Notification = notification;
        MalformedReason = reason;
    }

    public GatewayNotification? Notification { get; }

    /// <summary>Why the body could not be read; fixed text and sanitised words only, never free text from the body.</summary>
    public string? MalformedReason { get; }

    [MemberNotNullWhen(true, nameof(MalformedReason))]
    [MemberNotNullWhen(false, nameof(Notification))]
    public bool IsMalformed => Notification is null;

    public static WebhookParseResult Parsed(GatewayNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return new(notification, null);
    }

    public static WebhookParseResult Malformed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason);
    }

    public override string ToString() => IsMalformed ? $"Malformed: {MalformedReason}" : Notification.ToString();
}
