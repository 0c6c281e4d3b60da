namespace PayTrust.Application.Abstractions;

/// <summary>
/// The transaction status of an ISO 20022 pain.002 payment status report (ExternalPaymentTransactionStatus1Code),
/// reduced to the four every gateway's words map onto (spec §7.4 step 3).
/// </summary>
public enum TxSts
{
    /// <summary>AcceptedSettlementCompleted: the money moved (Xendit PAID/SETTLED, Midtrans settlement or capture+accept, sandbox paid).</summary>
    ACSC,

    /// <summary>AcceptedCustomerProfile: accepted but held for the merchant's review (Midtrans capture+challenge). Not paid yet.</summary>
    ACCP,

    /// <summary>Pending: nothing decided yet (Xendit PENDING, Midtrans pending).</summary>
    PDNG,

    /// <summary>Rejected: final for this attempt; the report carries the §7.6 reason.</summary>
    RJCT,
}
