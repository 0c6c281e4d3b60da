namespace PayTrust.Application.Abstractions;

/// <summary>What a gateway notification is about: the attempt's payment, or money leaving it after payment (spec §7.4 step 6).</summary>
public enum NotificationKind
{
    Payment,
    MoneyOut,
}
