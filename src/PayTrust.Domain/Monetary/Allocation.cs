namespace PayTrust.Domain.Monetary;

/// <summary>
/// The one allocation routine (spec §1): every part but the last gets the floor of its proportional
/// share, the last gets the remainder, so the parts always sum to the total exactly. Shares are
/// computed in 128-bit integers so no product of a large total and a large weight can overflow.
/// </summary>
public static class Allocation
{
    public static IReadOnlyList<long> Split(long total, IReadOnlyList<long> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
        {
            throw new ArgumentException("At least one part is needed.", nameof(weights));
        }

        Int128 weightSum = 0;
        foreach (var weight in weights)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(weight, nameof(weights));
            weightSum += weight;
        }

        if (weightSum == 0)
        {
            throw new ArgumentException("Weights must not all be zero.", nameof(weights));
        }

        var parts = new long[weights.Count];
        long allocated = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            // Both operands are non-negative, so integer division is the floor.
            parts[i] = (long)((Int128)total * weights[i] / weightSum);
            allocated += parts[i];
        }

        parts[^1] = total - allocated;
        return parts;
    }

    public static IReadOnlyList<long> SplitEvenly(long total, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var weights = new long[parts];
        Array.Fill(weights, 1L);
        return Split(total, weights);
    }
}
