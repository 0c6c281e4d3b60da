namespace PayTrust.Domain.Monetary;

/// <summary>
/// PayTrust's one rounding rule: a product of an amount and a rate is rounded half away from zero to
/// the minor unit. Every tax and fee computation goes through here so there is nothing to disagree about.
/// </summary>
public static class Rounding
{
    public static long RoundToMinor(decimal value) =>
        checked((long)decimal.Round(value, 0, MidpointRounding.AwayFromZero));
}
