using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using MySqlConnector;
using NodaTime;
using PayTrust.Application.Abstractions;
using PayTrust.Application.Common;
using PayTrust.Domain.Invoices;
using PayTrust.Domain.Monetary;

namespace PayTrust.Infrastructure.Persistence;

/// <summary>
/// The invoice aggregate in <c>invoices</c>, <c>invoice_line_items</c> and <c>invoice_installments</c>,
/// with its events in <c>outbox_events</c>. Every write is one batched command (one round trip) inside
/// the caller's transaction; a read of an invoice is one round trip of four result sets, a locking read
/// too (the invoice row locked first, then its children).
/// </summary>
internal sealed class InvoiceRepository(DbSession session) : IInvoiceRepository
{
    // Column names map to the rows' constructor parameters by Dapper's underscore matching (tenant_id → TenantId,
    // DapperTypeHandlers): no aliases, since on the payment paths the statement text is parsed twice per request,
    // by MySqlConnector and by the server, and its length shows in both profiles (ADR 19).
    private const string InvoiceColumns = """
        i.id, i.tenant_id, i.external_id, i.parent_invoice_id, i.status, i.currency_code, i.gateway, i.payment_method,
        i.fee_percentage, i.fee_fixed, i.subtotal_amount, i.total_tax_amount, i.total_service_fee_amount, i.total_amount,
        i.amount_paid, i.overpayment_amount, i.payment_reference, i.payment_token, i.description, i.customer_name,
        i.customer_email, i.customer_phone, i.metadata, i.created_at, i.updated_at, i.expires_at,
        i.payment_initiated_at, i.paid_at, i.cancelled_at, i.expired_at, i.amount_refunded
        """;

    // Reads: four statements in one round trip, every one filtered by the tenant. Outside a transaction they
    // run inside their own read-only one, opened and committed in the same batch, so they share one snapshot
    // (an invoice row and its installments always from the same commit) at no extra round trip.
    private const string FindSql = $"""
        SELECT {InvoiceColumns} FROM invoices i WHERE i.id = @Id AND i.tenant_id = @TenantId;
        {ChildrenSql}
        """;

    private const string FindInOwnSnapshotSql = $"""
        START TRANSACTION READ ONLY;
        {FindSql}
        COMMIT;
        """;

    // Commands lock the invoice first, found through (tenant_id, id): another tenant's id finds no row and
    // locks nothing of the owner's. The children follow in the same round trip with locking reads (which
    // always see the latest committed rows, whatever the transaction read before), each keyed by a scalar
    // subquery on (tenant_id, id): the parameters arrive as literals, so for another tenant's id the
    // optimizer sees "impossible WHERE" and reads — and locks — no child row at all (checked with EXPLAIN).
    // Lock waits give up after 5 s (spec §7.2), set once per connection by PayTrustDataSource.
    // Internal: the payment attempt repository reads an invoice's attempts in the same round trip (LockWithAttemptsSql)
    // and, since nothing that takes or applies a payment shows the supplementary invoices, leaves their ids out;
    // nor does any of that need the line items, so the payment paths lock with LockForPaymentSql, which leaves
    // them out too (two statements and a result set fewer per transaction, ADR 19).
    internal const string LockAggregateSql = $"""
        {LockInvoiceRowSql}
        {LockLineItemsSql}
        {LockInstallmentsSql}
        """;

    // One statement: the invoice row joined to its installments (none, or up to InstallmentPlan.MaxCount rows,
    // each repeating the invoice's columns), which the optimizer plans as a const row and one index range, with
    // no subquery. Another tenant's id finds no invoice row, so it locks no installment either. No ORDER BY: over
    // this join it made the server build a temporary table and sort it for every payment lock, about a fifth of
    // the statement's cost (ADR 25); ReadForPaymentAsync puts the installments in order.
    internal const string LockForPaymentSql = $"""
        SELECT {InvoiceColumns}, {InstallmentColumns}
        FROM invoices i FORCE INDEX (ux_invoices_tenant_id) LEFT JOIN invoice_installments s ON s.invoice_id = i.id
        WHERE i.tenant_id = @TenantId AND i.id = @Id FOR UPDATE;
        """;

    // Recording an opened checkout (ADR 21) reads only the invoice's header: these columns of invoices i, in
    // HeaderRow's order (PaymentAttemptRepository locks them with the attempt joined after them, ADR 25).
    internal const string HeaderColumns = """
        i.id, i.tenant_id, i.external_id, i.parent_invoice_id, i.status, i.currency_code, i.gateway, i.total_amount, i.amount_paid,
        i.overpayment_amount, i.expires_at, i.updated_at, i.payment_initiated_at
        """;

    internal static readonly int HeaderColumnCount = HeaderColumns.Split(',').Length;

    // The rows the payment paths read (RowParser: made once, not once per payment). A payment lock's row is the
    // invoice's columns, then an installment's; the header is the first columns of the checkout-recording lock.
    private static readonly int InstallmentColumnStart = InvoiceColumns.Split(',').Length;
    private static readonly RowParser<InvoiceRow> PaymentLockInvoice = new(0, InstallmentColumnStart);
    private static readonly RowParser<InstallmentRow> PaymentLockInstallment = new(InstallmentColumnStart);
    private static readonly RowParser<HeaderRow> Header = new(0, HeaderColumnCount);

    // All that InvoiceHeader can change. FORCE INDEX (PRIMARY) in this and every other update of one row by id and tenant:
    // without it the server's range optimiser also weighed each index that begins with tenant_id (five on invoices) and
    // estimated the tenant's whole range in each, diving into the B-tree every time. That doubled the server's CPU for
    // the statement (about 170 against 85 µs on a 120,000-invoice tenant; ADR 26). The tenant stays in the WHERE.
    internal const string UpdateHeaderSql = """
        UPDATE invoices FORCE INDEX (PRIMARY) SET status = @Status, updated_at = @UpdatedAt, payment_initiated_at = @PaymentInitiatedAt
        WHERE id = @Id AND tenant_id = @TenantId;
        """;

    private const string LockInvoiceRowSql =
        $"SELECT {InvoiceColumns} FROM invoices i FORCE INDEX (ux_invoices_tenant_id) WHERE i.tenant_id = @TenantId AND i.id = @Id FOR UPDATE;";

    private const string LockLineItemsSql = $"""
        SELECT l.id AS Id, l.product_name AS ProductName, l.quantity AS Quantity, l.unit_price AS UnitPrice, l.tax_rate AS TaxRate,
               l.tax_category AS TaxCategory, l.country_code AS CountryCode
        FROM invoice_line_items l
        WHERE l.invoice_id = ({OwnedInvoiceSql}) ORDER BY l.line_number FOR UPDATE;
        """;

    // number first: the payment lock splits its joined rows there.
    private const string InstallmentColumns = """
        s.number, s.due_date, s.amount, s.tax, s.service_fee,
        s.amount_paid, s.paid_at
        """;

    private const string LockInstallmentsSql = $"""
        SELECT {InstallmentColumns}
        FROM invoice_installments s
        WHERE s.invoice_id = ({OwnedInvoiceSql}) ORDER BY s.number FOR UPDATE;
        """;

    private const string SupplementaryIdsSql = "SELECT id FROM invoices WHERE parent_invoice_id = @Id AND tenant_id = @TenantId ORDER BY created_at, id;";

    private const string OwnedInvoiceSql = "SELECT o.id FROM invoices o WHERE o.tenant_id = @TenantId AND o.id = @Id";

    private const string ChildrenSql = """
        SELECT l.id AS Id, l.product_name AS ProductName, l.quantity AS Quantity, l.unit_price AS UnitPrice, l.tax_rate AS TaxRate,
               l.tax_category AS TaxCategory, l.country_code AS CountryCode
        FROM invoice_line_items l JOIN invoices i ON i.id = l.invoice_id AND i.tenant_id = @TenantId
        WHERE l.invoice_id = @Id ORDER BY l.line_number;
        SELECT s.number AS Number, s.due_date AS DueDate, s.amount AS Amount, s.tax AS Tax, s.service_fee AS ServiceFee,
               s.amount_paid AS AmountPaid, s.paid_at AS PaidAt
        FROM invoice_installments s JOIN invoices i ON i.id = s.invoice_id AND i.tenant_id = @TenantId
        WHERE s.invoice_id = @Id ORDER BY s.number;
        SELECT id FROM invoices WHERE parent_invoice_id = @Id AND tenant_id = @TenantId ORDER BY created_at, id;
        """;

    private const string InsertInvoiceSql = """
        INSERT INTO invoices (id, tenant_id, external_id, parent_invoice_id, status, currency_code, gateway, payment_method,
            fee_percentage, fee_fixed, subtotal_amount, total_tax_amount, total_service_fee_amount, total_amount, amount_paid,
            overpayment_amount, payment_reference, payment_token, description, customer_name, customer_email, customer_phone,
            metadata, created_at, updated_at, expires_at, payment_initiated_at, paid_at, cancelled_at, expired_at)
        VALUES (@Id, @TenantId, @ExternalId, @ParentInvoiceId, @Status, @CurrencyCode, @Gateway, @PaymentMethod,
            @FeePercentage, @FeeFixed, @SubtotalAmount, @TotalTaxAmount, @TotalServiceFeeAmount, @TotalAmount, @AmountPaid,
            @OverpaymentAmount, @PaymentReference, @PaymentToken, @Description, @CustomerName, @CustomerEmail, @CustomerPhone,
            @Metadata, @CreatedAt, @UpdatedAt, @ExpiresAt, @PaymentInitiatedAt, @PaidAt, @CancelledAt, @ExpiredAt);
        """;

    private const string UpdateInvoiceSql = """
        UPDATE invoices FORCE INDEX (PRIMARY) SET status = @Status, gateway = @Gateway, fee_percentage = @FeePercentage, fee_fixed = @FeeFixed,
            subtotal_amount = @SubtotalAmount, total_tax_amount = @TotalTaxAmount, total_service_fee_amount = @TotalServiceFeeAmount,
            total_amount = @TotalAmount, amount_paid = @AmountPaid, overpayment_amount = @OverpaymentAmount,
            payment_reference = @PaymentReference, description = @Description, customer_name = @CustomerName,
            customer_email = @CustomerEmail, customer_phone = @CustomerPhone, metadata = @Metadata, updated_at = @UpdatedAt,
            expires_at = @ExpiresAt, payment_initiated_at = @PaymentInitiatedAt, paid_at = @PaidAt, cancelled_at = @CancelledAt,
            expired_at = @ExpiredAt
        WHERE id = @Id AND tenant_id = @TenantId;
        """;

    // No ORDER BY on purpose: sorting the IN-list ranges needs a filesort, which reads (and so locks) every
    // due row before LIMIT applies, leaving nothing for a second instance. Unsorted, the scan stops after
    // @Limit rows it could lock, skipping rows another instance holds.
    // An invoice with an attempt open at its gateway (creating, pending) waits until @AttemptsEndedBy (now less the grace)
    // has passed the attempt's session expiry (spec §7.4 step 8); left out here, it takes no place in the batch, so waiting
    // invoices never crowd out due ones. The subquery is a plain read (MariaDB locks no row of a subquery in a locking
    // SELECT, so a row another transaction holds is read, never skipped). Its snapshot may predate an invoice's lock by the
    // statement's run, which could only miss an attempt created since; none is created once the invoice's expiry has
    // passed (Invoice.NextPaymentDue refuses), and one that resolved since is seen as still open, which only waits a run.
    private const string DueForExpirySql = """
        SELECT i.id AS Id, i.tenant_id AS TenantId FROM invoices i
        WHERE i.status IN ('draft', 'pending', 'partially_paid', 'failed') AND i.expires_at <= @Now
          AND NOT EXISTS (
              SELECT 1 FROM payment_attempts a
              WHERE a.tenant_id = i.tenant_id AND a.invoice_id = i.id AND a.status IN ('creating', 'pending') AND a.expires_at > @AttemptsEndedBy)
        LIMIT @Limit
        FOR UPDATE SKIP LOCKED
        """;

    private const string ExistingExternalIdSql = "SELECT id FROM invoices WHERE tenant_id = @TenantId AND external_id = @ExternalId LOCK IN SHARE MODE";

    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<StoredInvoice?> FindAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken)
    {
        if (session.InTransaction)
        {
            return await ReadAsync(FindSql, tenantId, invoiceId, cancellationToken);
        }

        try
        {
            return await ReadAsync(FindInOwnSnapshotSql, tenantId, invoiceId, cancellationToken);
        }
        catch
        {
            // A failure between START TRANSACTION and COMMIT would leave the pooled connection inside a
            // transaction; end it before the connection goes back (best effort: a broken one is discarded).
            await RollbackQuietlyAsync();
            throw;
        }
    }

    public Task<StoredInvoice?> FindForUpdateAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken) =>
        ReadAsync(LockAggregateSql + SupplementaryIdsSql, tenantId, invoiceId, cancellationToken);

    public async Task<InvoiceInsertOutcome> InsertAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(InsertInvoiceSql);
        var parameters = StatementBatch.ToDictionary(InvoiceParameters(invoice));
        AppendLineItems(sql, parameters, invoice);
        AppendInstallments(sql, parameters, invoice);
        AppendEvents(sql, parameters, invoice.PendingEvents, raised => EventPayload.Of(invoice, raised));

        try
        {
            await session.ExecuteNowAsync(sql.ToString(), parameters, cancellationToken);
        }
        catch (MySqlException duplicate) when (duplicate.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            // The statement failed whole (a failing statement stops the batch), so nothing of this invoice was written.
            if (duplicate.Message.Contains("ux_invoices_tenant_external_id", StringComparison.Ordinal))
            {
                var connection = await session.GetConnectionAsync(cancellationToken);
                var existing = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                    ExistingExternalIdSql, new { invoice.TenantId, invoice.ExternalId }, cancellationToken: cancellationToken));
                return new InvoiceInsertOutcome(InvoiceInsertResult.ExternalIdTaken, existing);
            }

            if (duplicate.Message.Contains("ux_invoices_payment_reference", StringComparison.Ordinal))
            {
                return new InvoiceInsertOutcome(InvoiceInsertResult.PaymentReferenceTaken);
            }

            throw;
        }

        invoice.MarkSaved();
        return InvoiceInsertOutcome.Inserted;
    }

    public async Task UpdateAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(UpdateInvoiceSql);
        var parameters = StatementBatch.ToDictionary(InvoiceParameters(invoice));
        if (invoice.LineItemsChanged)
        {
            sql.Append("DELETE FROM invoice_line_items WHERE invoice_id = @Id;");
            AppendLineItems(sql, parameters, invoice);
        }

        if (invoice.ScheduleChanged)
        {
            sql.Append("DELETE FROM invoice_installments WHERE invoice_id = @Id;");
            AppendInstallments(sql, parameters, invoice);
        }

        AppendEvents(sql, parameters, invoice.PendingEvents, raised => EventPayload.Of(invoice, raised));
        // Nothing waits for an update's answer: it is queued and sent with the transaction's commit (or next read).
        await session.WriteAsync(sql.ToString(), parameters, cancellationToken);
        invoice.MarkSaved();
    }

    public async Task UpdateAsync(InvoiceHeader invoice, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(UpdateHeaderSql);
        var parameters = StatementBatch.ToDictionary(new
        {
            invoice.Id, invoice.TenantId, Status = StatusNames.Of(invoice.Status), invoice.UpdatedAt, invoice.PaymentInitiatedAt,
        });
        AppendEvents(sql, parameters, invoice.PendingEvents, raised => EventPayload.Of(invoice, raised));
        await session.WriteAsync(sql.ToString(), parameters, cancellationToken);
        invoice.MarkSaved();
    }

    /// <summary>
    /// The reader's row, from its first <see cref="HeaderColumnCount"/> columns, as an <see cref="InvoiceHeader"/>. The
    /// statement must begin with <see cref="HeaderColumns"/>: the parser is kept for that layout (RowParser).
    /// </summary>
    internal static InvoiceHeader ReadHeader(DbDataReader reader)
    {
        var row = Header.Read(reader);
        var currency = Currency.Parse(row.CurrencyCode);
        return new InvoiceHeader(
            row.Id, row.TenantId, row.ExternalId, row.ParentInvoiceId, StatusNames.Parse(row.Status), row.Gateway, new Money(row.TotalAmount, currency),
            new Money(row.AmountPaid, currency), new Money(row.OverpaymentAmount, currency), row.ExpiresAt.ToInstantUtc(),
            row.UpdatedAt.ToInstantUtc(), row.PaymentInitiatedAt?.ToInstantUtc());
    }

    public async Task<IReadOnlyList<Invoice>> LockDueForExpiryAsync(Instant now, Instant attemptsEndedBy, int limit, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        var due = await connection.QueryAsync<(Guid Id, Guid TenantId)>(new CommandDefinition(
            DueForExpirySql, new { Now = now, AttemptsEndedBy = attemptsEndedBy, Limit = limit }, cancellationToken: cancellationToken));
        var invoices = new List<Invoice>();
        foreach (var (id, tenantId) in due)
        {
            // Already locked by this transaction, so this read waits for nobody.
            if (await FindForUpdateAsync(tenantId, id, cancellationToken) is { } stored)
            {
                invoices.Add(stored.Invoice);
            }
        }

        return invoices;
    }

    private async Task RollbackQuietlyAsync()
    {
        try
        {
            var connection = await session.GetConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync("ROLLBACK");
        }
        catch (MySqlException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Reads the children (and the invoice row itself unless already locked and read).</summary>
    private async Task<StoredInvoice?> ReadAsync(string sql, Guid tenantId, Guid invoiceId, CancellationToken cancellationToken)
    {
        await using var results = await session.QueryMultipleAsync(sql, new { Id = invoiceId, TenantId = tenantId }, cancellationToken);
        return await ReadInvoiceAsync(results);
    }

    /// <summary>The four result sets of <see cref="FindSql"/>, or of <see cref="LockAggregateSql"/> and the supplementary ids, as the aggregate.</summary>
    private static async Task<StoredInvoice?> ReadInvoiceAsync(SqlMapper.GridReader results)
    {
        var invoice = await ReadAggregateAsync(results);
        var children = (await results.ReadAsync<Guid>()).ToArray();
        return invoice is null ? null : new StoredInvoice(invoice, children);
    }

    /// <summary>The three result sets of <see cref="LockAggregateSql"/>: the invoice with its lines and installments.</summary>
    internal static async Task<Invoice?> ReadAggregateAsync(SqlMapper.GridReader results)
    {
        var row = await results.ReadSingleOrDefaultAsync<InvoiceRow>();
        var lines = (await results.ReadAsync<LineItemRow>()).ToArray();
        var installments = (await results.ReadAsync<InstallmentRow>()).ToArray();
        return row is null ? null : Restore(row, lines, installments);
    }

    /// <summary>
    /// The result set of <see cref="LockForPaymentSql"/> (the reader is on it): the invoice with its installments,
    /// read without its lines; null when the tenant has no such invoice. Leaves the reader at the end of that result set.
    /// </summary>
    internal static async Task<Invoice?> ReadForPaymentAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        // Each row is the invoice's columns, then an installment's (all null when it has none).
        InvoiceRow? invoice = null;
        var installments = new List<InstallmentRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            invoice ??= PaymentLockInvoice.Read(reader);
            if (!reader.IsDBNull(InstallmentColumnStart))
            {
                installments.Add(PaymentLockInstallment.Read(reader));
            }
        }

        // In number order whatever order the rows came in (LockForPaymentSql has no ORDER BY).
        installments.Sort((left, right) => left.Number.CompareTo(right.Number));
        return invoice is null ? null : Restore(invoice, null, installments.ToArray());
    }

    public async Task<IReadOnlyList<Guid>> FindSupplementaryIdsAsync(Guid tenantId, Guid invoiceId, CancellationToken cancellationToken)
    {
        var connection = await session.GetConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(
            SupplementaryIdsSql, new { Id = invoiceId, TenantId = tenantId }, cancellationToken: cancellationToken))).AsList();
    }

    private static Invoice Restore(InvoiceRow row, LineItemRow[]? lines, InstallmentRow[] installments)
    {
        var currency = Currency.Parse(row.CurrencyCode);
        Money M(long minor) => new(minor, currency);
        return Invoice.Restore(new InvoiceSnapshot(
            row.Id,
            row.TenantId,
            row.ExternalId,
            row.PaymentMethod,
            row.ParentInvoiceId,
            row.PaymentReference,
            row.PaymentToken,
            StatusNames.Parse(row.Status),
            currency,
            row.Gateway,
            new FeeRule(row.FeePercentage, row.FeeFixed),
            lines?.Select(l => new LineItem(l.Id, l.ProductName, l.Quantity, M(l.UnitPrice), TaxRate.Of(l.TaxRate), l.TaxCategory, l.CountryCode)).ToArray(),
            new InvoiceTotals(M(row.SubtotalAmount), M(row.TotalTaxAmount), M(row.TotalServiceFeeAmount), M(row.TotalAmount)),
            installments.Length == 0
                ? null
                : InstallmentSchedule.Restore(installments.Select(s => new Installment(
                    s.Number, s.DueDate.ToInstantUtc(), M(s.Amount), M(s.Tax), M(s.ServiceFee), M(s.AmountPaid), s.PaidAt?.ToInstantUtc())).ToArray()),
            M(row.AmountPaid),
            M(row.OverpaymentAmount),
            row.Description,
            row.CustomerName is null && row.CustomerEmail is null && row.CustomerPhone is null ? null : new Customer(row.CustomerName, row.CustomerEmail, row.CustomerPhone),
            row.Metadata,
            row.CreatedAt.ToInstantUtc(),
            row.UpdatedAt.ToInstantUtc(),
            row.ExpiresAt.ToInstantUtc(),
            row.PaymentInitiatedAt?.ToInstantUtc(),
            row.PaidAt?.ToInstantUtc(),
            row.CancelledAt?.ToInstantUtc(),
            row.ExpiredAt?.ToInstantUtc(),
            M(row.AmountRefunded)));
    }

    private static object InvoiceParameters(Invoice invoice) => new
    {
        invoice.Id,
        invoice.TenantId,
        invoice.ExternalId,
        invoice.ParentInvoiceId,
        Status = StatusNames.Of(invoice.Status),
        CurrencyCode = invoice.Currency.Code,
        invoice.Gateway,
        invoice.PaymentMethod,
        FeePercentage = invoice.FeeRule.Percentage,
        FeeFixed = invoice.FeeRule.FixedMinor,
        SubtotalAmount = invoice.Totals.Subtotal.Minor,
        TotalTaxAmount = invoice.Totals.Tax.Minor,
        TotalServiceFeeAmount = invoice.Totals.ServiceFee.Minor,
        TotalAmount = invoice.Totals.Total.Minor,
        AmountPaid = invoice.AmountPaid.Minor,
        OverpaymentAmount = invoice.Overpayment.Minor,
        invoice.PaymentReference,
        invoice.PaymentToken,
        invoice.Description,
        CustomerName = invoice.Customer?.Name,
        CustomerEmail = invoice.Customer?.Email,
        CustomerPhone = invoice.Customer?.Phone,
        invoice.Metadata,
        invoice.CreatedAt,
        invoice.UpdatedAt,
        invoice.ExpiresAt,
        invoice.PaymentInitiatedAt,
        invoice.PaidAt,
        invoice.CancelledAt,
        invoice.ExpiredAt,
    };

    private static void AppendLineItems(StringBuilder sql, Dictionary<string, object?> parameters, Invoice invoice)
    {
        sql.Append("INSERT INTO invoice_line_items (id, invoice_id, line_number, product_name, quantity, unit_price, tax_rate, tax_category, country_code, subtotal_amount, tax_amount) VALUES ");
        for (var i = 0; i < invoice.LineItems.Count; i++)
        {
            var line = invoice.LineItems[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}(@l{i}Id, @Id, {i + 1}, @l{i}Name, {line.Quantity}, {line.UnitPrice.Minor}, @l{i}Rate, @l{i}Category, @l{i}Country, {line.Subtotal.Minor}, {line.Tax.Minor})");
            parameters.Add($"l{i}Id", line.Id);
            parameters.Add($"l{i}Name", line.ProductName);
            parameters.Add($"l{i}Rate", line.TaxRate.Value);
            parameters.Add($"l{i}Category", line.TaxCategory);
            parameters.Add($"l{i}Country", line.CountryCode);
        }

        sql.Append(';');
    }

    private static void AppendInstallments(StringBuilder sql, Dictionary<string, object?> parameters, Invoice invoice)
    {
        if (invoice.Schedule is not { } schedule)
        {
            return;
        }

        sql.Append("INSERT INTO invoice_installments (invoice_id, number, due_date, amount, tax, service_fee, amount_paid, paid_at) VALUES ");
        for (var i = 0; i < schedule.Count; i++)
        {
            var installment = schedule.Installments[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}(@Id, {installment.Number}, @s{i}Due, {installment.Amount.Minor}, {installment.Tax.Minor}, {installment.ServiceFee.Minor}, {installment.AmountPaid.Minor}, @s{i}PaidAt)");
            parameters.Add($"s{i}Due", installment.DueDate.ToDateTimeUtc());
            parameters.Add($"s{i}PaidAt", installment.PaidAt?.ToDateTimeUtc());
        }

        sql.Append(';');
    }

    private static void AppendEvents(
        StringBuilder sql, Dictionary<string, object?> parameters, IReadOnlyList<InvoiceEvent> events, Func<InvoiceEvent, EventPayload> payloadOf)
    {
        if (events.Count == 0)
        {
            return;
        }

        sql.Append("INSERT INTO outbox_events (id, tenant_id, type, subject_id, payload, occurred_at) VALUES ");
        for (var i = 0; i < events.Count; i++)
        {
            var raised = events[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}(@e{i}Id, @TenantId, @e{i}Type, @Id, @e{i}Payload, @e{i}At)");
            parameters.Add($"e{i}Id", Guid.CreateVersion7());
            parameters.Add($"e{i}Type", raised.Type);
            parameters.Add($"e{i}Payload", JsonSerializer.Serialize(payloadOf(raised), PayloadJson));
            parameters.Add($"e{i}At", raised.OccurredAt.ToDateTimeUtc());
        }

        sql.Append(';');
    }



    /// <summary>What subscribers receive about the invoice: its state right after the change.</summary>
    private sealed record EventPayload(
        Guid InvoiceId, string? ExternalId, string Status, string CurrencyCode, long TotalAmount, long AmountPaid, long AmountDue,
        long OverpaymentAmount, string ExpiresAt, Guid? ParentInvoiceId, int? InstallmentNumber)
    {
        // Every field it shows is on the invoice row, so the header alone gives it; a whole invoice gives its header.
        public static EventPayload Of(Invoice invoice, InvoiceEvent raised) => Of(InvoiceHeader.Of(invoice), raised);

        public static EventPayload Of(InvoiceHeader invoice, InvoiceEvent raised) => new(
            invoice.Id, invoice.ExternalId, StatusNames.Of(invoice.Status), invoice.Total.Currency.Code, invoice.Total.Minor,
            invoice.AmountPaid.Minor, invoice.AmountDue.Minor, invoice.Overpayment.Minor,
            NodaTime.Text.InstantPattern.ExtendedIso.Format(invoice.ExpiresAt), invoice.ParentInvoiceId, raised.InstallmentNumber);
    }

    private sealed record HeaderRow(
        Guid Id, Guid TenantId, string? ExternalId, Guid? ParentInvoiceId, string Status, string CurrencyCode, string Gateway, long TotalAmount,
        long AmountPaid, long OverpaymentAmount, DateTime ExpiresAt, DateTime UpdatedAt, DateTime? PaymentInitiatedAt);

    private sealed record InvoiceRow(
        Guid Id, Guid TenantId, string? ExternalId, Guid? ParentInvoiceId, string Status, string CurrencyCode, string Gateway, string? PaymentMethod,
        decimal FeePercentage, long FeeFixed, long SubtotalAmount, long TotalTaxAmount, long TotalServiceFeeAmount, long TotalAmount,
        long AmountPaid, long OverpaymentAmount, string PaymentReference, string PaymentToken, string? Description, string? CustomerName,
        string? CustomerEmail, string? CustomerPhone, string? Metadata, DateTime CreatedAt, DateTime UpdatedAt, DateTime ExpiresAt,
        DateTime? PaymentInitiatedAt, DateTime? PaidAt, DateTime? CancelledAt, DateTime? ExpiredAt, long AmountRefunded);

    private sealed record LineItemRow(Guid Id, string ProductName, int Quantity, long UnitPrice, decimal TaxRate, string? TaxCategory, string? CountryCode);

    private sealed record InstallmentRow(sbyte Number, DateTime DueDate, long Amount, long Tax, long ServiceFee, long AmountPaid, DateTime? PaidAt);
}
