using Dapper;
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

    [Fact]
    public void Each_statement_sends_the_values_it_names_once_under_its_prefix_and_nothing_else()
    {
        var batch = new StatementBatch();
        batch.Add(Update, new { Status = "paid", Id = 1, Unused = "not sent" });
        batch.Add("UPDATE invoices SET status = @status WHERE id = @Id OR parent_id = @ID", StatementBatch.ToDictionary(new { Status = "pending", Id = 2, Extra = 3 }));
        batch.Add("DELETE FROM invoice_installments WHERE invoice_id = @id AND number > @Count", new Dictionary<string, object?> { ["Id"] = 4, ["Count"] = 5 });
        batch.Add("COMMIT", null);

        var command = batch.ToCommand(CancellationToken.None);
        var parameters = (DynamicParameters)command.Parameters!;
        // One value per name whatever its spelling in the text, named as the parameter object spells it.
        Assert.Equal(["s0_Id", "s0_Status", "s1_Id", "s1_Status", "s2_Count", "s2_Id"], parameters.ParameterNames.Order(StringComparer.Ordinal));
        Assert.Equal(("paid", 1), (parameters.Get<string>("s0_Status"), parameters.Get<int>("s0_Id")));
        Assert.Equal(("pending", 2), (parameters.Get<string>("s1_Status"), parameters.Get<int>("s1_Id")));
        Assert.Equal((4, 5), (parameters.Get<int>("s2_Id"), parameters.Get<int>("s2_Count")));
        Assert.Contains("SET status = @s1_status WHERE id = @s1_Id OR parent_id = @s1_ID;", command.CommandText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_without_a_value_is_renamed_but_sent_without_one_so_the_server_refuses_it()
    {
        var batch = new StatementBatch();
        batch.Add("DELETE FROM invoices WHERE id = @Missing;;  ", new { Id = 1 });

        var command = batch.ToCommand(CancellationToken.None);
        Assert.Equal("DELETE FROM invoices WHERE id = @s0_Missing;\n", command.CommandText);
        Assert.Empty(((DynamicParameters)command.Parameters!).ParameterNames);
    }
}
