using CsCheck;
using PayTrust.Domain.Monetary;

namespace PayTrust.Domain.Tests;

public class AllocationTests
{
    private static readonly Gen<long> Totals = Gen.OneOf(Gen.Long[0, 1_000_000], Gen.Long[0, Money.MaxAmount], Gen.Long[0, long.MaxValue]);

    [Fact]
    public void Parts_always_sum_back_to_the_total()
    {
        Gen.Select(Totals, Gen.Long[0, long.MaxValue].Array[1, 12])
            .Where((_, weights) => weights.Any(w => w > 0))
            .Sample((total, weights) => Allocation.Split(total, weights).Aggregate(Int128.Zero, (sum, part) => sum + part) == total);
    }

    [Fact]
    public void Every_part_but_the_last_is_the_floor_of_its_share_and_the_last_takes_the_remainder()
    {
        Gen.Select(Totals, Gen.Long[0, 1_000_000_000].Array[1, 12])
            .Where((_, weights) => weights.Any(w => w > 0))
            .Sample((total, weights) =>
            {
                var parts = Allocation.Split(total, weights);
                var weightSum = weights.Aggregate(Int128.Zero, (sum, w) => sum + w);
                for (var i = 0; i < parts.Count - 1; i++)
                {
                    Assert.Equal((Int128)total * weights[i] / weightSum, parts[i]);
                }

                Assert.Equal(total - parts.Take(parts.Count - 1).Sum(), parts[^1]);
                Assert.All(parts, part => Assert.True(part >= 0));
            });
    }

    [Fact]
    public void An_even_split_gives_equal_parts_and_the_remainder_to_the_last()
    {
        Gen.Select(Totals, Gen.Int[1, 12])
            .Sample((total, count) =>
            {
                var parts = Allocation.SplitEvenly(total, count);
                Assert.Equal(count, parts.Count);
                Assert.All(parts.Take(count - 1), part => Assert.Equal(total / count, part));
                Assert.Equal(total / count + total % count, parts[^1]);
            });
    }

    [Theory]
    [InlineData(1_000_000, 2, new long[] { 500_000, 500_000 })]
    [InlineData(100, 3, new long[] { 33, 33, 34 })]
    [InlineData(2, 3, new long[] { 0, 0, 2 })]
    public void Worked_examples_of_even_splits(long total, int count, long[] expected) =>
        Assert.Equal(expected, Allocation.SplitEvenly(total, count));

    [Fact]
    public void Money_allocation_keeps_the_currency()
    {
        var parts = new Money(1_000, Currency.MYR).Allocate([1, 3]);

        Assert.Equal([new Money(250, Currency.MYR), new Money(750, Currency.MYR)], parts);
    }

    [Fact]
    public void Refuses_negative_totals_negative_weights_and_all_zero_weights()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Allocation.Split(-1, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Allocation.Split(10, [1, -1]));
        Assert.Throws<ArgumentException>(() => Allocation.Split(10, [0, 0]));
        Assert.Throws<ArgumentException>(() => Allocation.Split(10, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Allocation.SplitEvenly(10, 0));
    }
}
