using CsCheck;
using PayTrust.Domain.Invoices;

namespace PayTrust.Domain.Tests;

public class PaymentReferenceTests
{
    /// <summary>Spelled out here: digits and capitals without 0, O, 1, I and L.</summary>
    private const string Symbols = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    private static readonly Gen<string> Bodies = Gen.Char[Symbols].Array[8].Select(chars => new string(chars));

    /// <summary>Completes a body by trying every symbol as the check symbol; exactly one must fit.</summary>
    private static string Complete(string body)
    {
        var fitting = Symbols.Where(check => PaymentReference.IsWellFormed("PT" + body + check)).ToArray();
        Assert.Single(fitting);
        return "PT" + body + fitting[0];
    }

    private static string Swap(string reference, int i)
    {
        var chars = reference.ToCharArray();
        (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
        return new string(chars);
    }

    [Fact]
    public void The_alphabet_leaves_out_symbols_that_read_as_others()
    {
        Assert.Equal(Symbols, PaymentReference.Alphabet);
        Assert.Equal(31, PaymentReference.Alphabet.Length);
        Assert.Equal(11, PaymentReference.Length);
    }

    [Fact]
    public void A_new_reference_is_well_formed_eleven_symbols_starting_with_PT()
    {
        for (var n = 0; n < 1_000; n++)
        {
            var reference = PaymentReference.New();

            Assert.True(PaymentReference.IsWellFormed(reference), reference);
            Assert.Equal(11, reference.Length);
            Assert.StartsWith("PT", reference, StringComparison.Ordinal);
            Assert.All(reference[2..], symbol => Assert.Contains(symbol, Symbols));
        }
    }

    [Fact]
    public void Ten_thousand_new_references_are_all_different()
    {
        var references = Enumerable.Range(0, 10_000).Select(_ => PaymentReference.New()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(10_000, references.Count);
    }

    [Fact]
    public void Every_body_has_exactly_one_check_symbol()
    {
        Bodies.Sample(body => { Complete(body); });
    }

    [Fact]
    public void Well_formedness_ignores_case()
    {
        Bodies.Sample(body =>
        {
            var reference = Complete(body);
            Assert.True(PaymentReference.IsWellFormed(reference.ToLowerInvariant()));
            Assert.True(PaymentReference.IsWellFormed("pT" + reference[2..].ToLowerInvariant()));
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("PT")]
    [InlineData("PT23456789")]
    [InlineData("PT234567892A")]
    [InlineData(" PT23456789A")]
    public void References_of_the_wrong_shape_are_not_well_formed(string? reference) =>
        Assert.False(PaymentReference.IsWellFormed(reference));

    [Fact]
    public void Every_single_symbol_substitution_is_rejected()
    {
        var replacements = Symbols + Symbols.ToLowerInvariant() + "01OILoil-_ .P";
        Bodies.Sample(body =>
        {
            var reference = Complete(body);
            for (var i = 0; i < reference.Length; i++)
            {
                foreach (var replacement in replacements)
                {
                    if (char.ToUpperInvariant(replacement) == reference[i])
                    {
                        continue;
                    }

                    var mistyped = string.Concat(reference.AsSpan(0, i), replacement.ToString(), reference.AsSpan(i + 1));
                    Assert.False(PaymentReference.IsWellFormed(mistyped), $"{reference} mistyped as {mistyped}");
                }
            }
        });
    }

    [Fact]
    public void Every_adjacent_transposition_of_two_different_symbols_is_rejected()
    {
        // For every position in the body and every ordered pair of different symbols there, plus the swap of
        // the last body symbol with the check symbol; the rest of the body is random.
        Bodies.Sample(
            body =>
            {
                for (var i = 0; i < 7; i++)
                {
                    foreach (var a in Symbols)
                    {
                        foreach (var b in Symbols.Where(b => b != a))
                        {
                            var reference = Complete(string.Concat(body.AsSpan(0, i), $"{a}{b}", body.AsSpan(i + 2)));
                            Assert.False(PaymentReference.IsWellFormed(Swap(reference, i + 2)), $"{reference} with symbols {i + 2} and {i + 3} swapped");
                        }
                    }
                }

                foreach (var last in Symbols)
                {
                    var reference = Complete(body[..7] + last);
                    if (reference[9] != reference[10])
                    {
                        Assert.False(PaymentReference.IsWellFormed(Swap(reference, 9)), $"{reference} with its last two symbols swapped");
                    }
                }

                var first = Complete(body);
                if (first[1] != first[2])
                {
                    Assert.False(PaymentReference.IsWellFormed(Swap(first, 1)));
                }
            },
            iter: 10);
    }

    [Fact]
    public void Mistyping_M_as_5_where_the_check_weighs_by_two_is_rejected()
    {
        // 'M' (index 18) and '5' (index 3) are 15 apart in the alphabet; in a position whose code point is
        // multiplied by two they fold to the same addend (2 × 18 → 1 + 5 = 6 and 2 × 3 = 6).
        var reference = Complete("5M6K3D98");
        var mistyped = "PT55" + reference[4..];

        Assert.Equal(reference[..3] + "5" + reference[4..], mistyped);
        Assert.False(PaymentReference.IsWellFormed(mistyped), $"{reference} mistyped as {mistyped} is accepted");
    }

    [Fact]
    public void Swapping_neighbouring_symbols_2_and_Z_is_rejected()
    {
        // '2' and 'Z' are the first and last symbols of the alphabet: the pair Luhn mod N cannot tell apart
        // when they are swapped unless the check is designed for it.
        var reference = Complete("ABCDEF2Z");
        var swapped = Swap(reference, 8);

        Assert.Equal(reference[..8] + "Z2" + reference[10], swapped);
        Assert.False(PaymentReference.IsWellFormed(swapped), $"{reference} with 2 and Z swapped reads as {swapped}, which is accepted");
    }
}
