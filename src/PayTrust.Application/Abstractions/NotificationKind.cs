namespace PayTrust.Application.Abstractions;

/// <summary>What a gateway notification is about: the attempt's payment, or money going back (spec §7.4 step 6).</summary>
public enum NotificationKind
{
    Payment,
    Refund,
}
