using PayTrust.Infrastructure.Persistence;

namespace PayTrust.Application.Tests;

/// <summary>
/// A batch renames each statement's parameters with the prefix of its position, so statements that reuse names such
/// as @Id keep their own values; @@ system variables are left alone.
/// </summary>
public class StatementBatchTests
{
    private const string Update = "UPDATE invoices SET status = @Status WHERE id = @Id AND @@in_transaction = 1;";

    [Fact]
    public void Each_statement_gets_the_prefix_of_its_position_and_system_variables_are_left_alone()
    {
        var batch = new StatementBatch();
        batch.Add(Update, new { Status = "paid", Id = 1 });
        batch.Add(Update, new { Status = "pending", Id = 2 });

        Assert.Equal(
            "UPDATE invoices SET status = @s0_Status WHERE id = @s0_Id AND @@in_transaction = 1;\n" +
            "UPDATE invoices SET status = @s1_Status WHERE id = @s1_Id AND @@in_transaction = 1;\n",
            batch.ToCommand(CancellationToken.None).CommandText);
    }

    [Fact]
    public void A_later_batch_with_the_same_statements_in_another_order_renames_them_by_their_new_positions()
    {
        const string insert = "INSERT INTO outbox_events (id, payload) VALUES (@Id, @Payload)";
        var first = new StatementBatch();
        first.Add(Update, new { Status = "paid", Id = 1 });
        first.Add(insert, new { Id = 3, Payload = "{}" });
        var later = new StatementBatch();
        later.Add(insert, new { Id = 4, Payload = "{}" });
        later.Add(Update, new { Status = "paid", Id = 5 });

        Assert.Equal(
            "UPDATE invoices SET status = @s0_Status WHERE id = @s0_Id AND @@in_transaction = 1;\n" +
            "INSERT INTO outbox_events (id, payload) VALUES (@s1_Id, @s1_Payload);\n",
            first.ToCommand(CancellationToken.None).CommandText);
        Assert.Equal(
            "INSERT INTO outbox_events (id, payload) VALUES (@s0_Id, @s0_Payload);\n" +
            "UPDATE invoices SET status = @s1_Status WHERE id = @s1_Id AND @@in_transaction = 1;\n",
            later.ToCommand(CancellationToken.None).CommandText);
    }
}
