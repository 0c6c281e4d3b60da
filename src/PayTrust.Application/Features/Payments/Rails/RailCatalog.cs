namespace PayTrust.Application.Features.Payments.Rails;

/// <summary>What a rail is, known without building it: its code and capabilities (spec §3).</summary>
public sealed record RailDescriptor(string Code, RailCapabilities Capabilities);

/// <summary>
/// Every registered rail's descriptor, for callers that must know which rails exist but not call one: validators
/// (singletons) cannot hold the rails themselves, which are scoped (the card rail's gateway clients are typed
/// HttpClients). Filled by <see cref="RailRegistration.AddRail{TRail}"/>, so a new rail reaches it with no caller changed.
/// </summary>
public sealed class RailCatalog(IEnumerable<RailDescriptor> rails)
{
    /// <summary>
    /// The rails a merchant may record money on (spec §7.5): those whose money is already in the merchant's account when
    /// PayTrust hears of it. A gateway-settled rail's money (card_psp) only ever arrives from its gateway.
    /// </summary>
    public IReadOnlyList<string> MerchantRecordable { get; } =
        rails.Where(rail => rail.Capabilities.SettlementMode == SettlementMode.DirectToMerchant).Select(rail => rail.Code).ToArray();

    public bool IsMerchantRecordable(string? code) => code is not null && MerchantRecordable.Contains(code, StringComparer.Ordinal);
}
