using PayTrust.Domain.Errors;
using PayTrust.Domain.Invoices;
using static PayTrust.Domain.Tests.InvoiceFixtures;

namespace PayTrust.Domain.Tests;

public class InvoiceStateMachineTests
{
    /// <summary>The moves spec §4 allows, written out by hand so the table is checked, not copied.</summary>
    private static readonly (InvoiceStatus From, InvoiceStatus To)[] Allowed =
    [
        (InvoiceStatus.Draft, InvoiceStatus.Pending),
        (InvoiceStatus.Draft, InvoiceStatus.PartiallyPaid),
        (InvoiceStatus.Draft, InvoiceStatus.FullyPaid),
        (InvoiceStatus.Draft, InvoiceStatus.Expired),
        (InvoiceStatus.Draft, InvoiceStatus.Cancelled),
        (InvoiceStatus.Pending, InvoiceStatus.PartiallyPaid),
        (InvoiceStatus.Pending, InvoiceStatus.FullyPaid),
        (InvoiceStatus.Pending, InvoiceStatus.Failed),
        (InvoiceStatus.Pending, InvoiceStatus.Expired),
        (InvoiceStatus.Pending, InvoiceStatus.Cancelled),
        (InvoiceStatus.PartiallyPaid, InvoiceStatus.FullyPaid),
        (InvoiceStatus.PartiallyPaid, InvoiceStatus.Expired),
        (InvoiceStatus.Failed, InvoiceStatus.Pending),
        (InvoiceStatus.Failed, InvoiceStatus.PartiallyPaid),
        (InvoiceStatus.Failed, InvoiceStatus.FullyPaid),
        (InvoiceStatus.Failed, InvoiceStatus.Expired),
        (InvoiceStatus.Failed, InvoiceStatus.Cancelled),
    ];

    public static TheoryData<InvoiceStatus, InvoiceStatus> EveryPair()
    {
        var data = new TheoryData<InvoiceStatus, InvoiceStatus>();
        foreach (var from in Enum.GetValues<InvoiceStatus>())
        {
            foreach (var to in Enum.GetValues<InvoiceStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Each_pair_of_statuses_is_allowed_exactly_when_the_spec_allows_it(InvoiceStatus from, InvoiceStatus to)
    {
        var allowed = Allowed.Contains((from, to));

        Assert.Equal(allowed, InvoiceStateMachine.CanMove(from, to));
        if (allowed)
        {
            InvoiceStateMachine.EnsureCanMove(from, to);
        }
        else
        {
            var error = Refused(() => InvoiceStateMachine.EnsureCanMove(from, to), "invalid_status_transition");
            Assert.Equal(ErrorKind.Conflict, error.Kind);
            Assert.Equal($"An invoice cannot go from {StatusNames.Of(from)} to {StatusNames.Of(to)}", error.Message);
        }
    }

    [Fact]
    public void The_whole_table_has_forty_nine_pairs_of_which_seventeen_are_moves()
    {
        Assert.Equal(49, EveryPair().Count);
        var moves = Enum.GetValues<InvoiceStatus>().SelectMany(from => InvoiceStateMachine.NextFrom(from).Select(to => (from, to))).ToHashSet();
        Assert.Equal(Allowed.ToHashSet(), moves);
    }

    [Theory]
    [InlineData(InvoiceStatus.FullyPaid)]
    [InlineData(InvoiceStatus.Expired)]
    [InlineData(InvoiceStatus.Cancelled)]
    public void Terminal_statuses_have_no_moves(InvoiceStatus terminal)
    {
        Assert.True(InvoiceStateMachine.IsTerminal(terminal));
        Assert.Empty(InvoiceStateMachine.NextFrom(terminal));
        Assert.All(Enum.GetValues<InvoiceStatus>(), to => Assert.False(InvoiceStateMachine.CanMove(terminal, to)));
    }

    [Theory]
    [InlineData(InvoiceStatus.Draft)]
    [InlineData(InvoiceStatus.Pending)]
    [InlineData(InvoiceStatus.PartiallyPaid)]
    [InlineData(InvoiceStatus.Failed)]
    public void Open_statuses_are_not_terminal(InvoiceStatus open) =>
        Assert.False(InvoiceStateMachine.IsTerminal(open));

    [Fact]
    public void No_status_moves_to_itself()
    {
        Assert.All(Enum.GetValues<InvoiceStatus>(), status => Assert.False(InvoiceStateMachine.CanMove(status, status)));
    }

    [Theory]
    [InlineData(InvoiceStatus.Draft, "draft")]
    [InlineData(InvoiceStatus.Pending, "pending")]
    [InlineData(InvoiceStatus.PartiallyPaid, "partially_paid")]
    [InlineData(InvoiceStatus.FullyPaid, "fully_paid")]
    [InlineData(InvoiceStatus.Failed, "failed")]
    [InlineData(InvoiceStatus.Expired, "expired")]
    [InlineData(InvoiceStatus.Cancelled, "cancelled")]
    public void Status_names_are_spelled_as_the_api_spells_them_and_parse_back(InvoiceStatus status, string name)
    {
        Assert.Equal(name, StatusNames.Of(status));
        Assert.Equal(status, StatusNames.Parse(name));
        Assert.True(StatusNames.TryParse(name, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("PENDING")]
    [InlineData("paid")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_status_names_do_not_parse(string? name) =>
        Assert.False(StatusNames.TryParse(name, out _));
}
