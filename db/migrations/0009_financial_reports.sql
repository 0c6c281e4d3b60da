-- Financial reports (spec §12, ADR 16). GET /reports/financial is three GROUP BY statements; each of these
-- indexes lets one of them read only the index (covering: every column the statement touches is in the key or
-- is the primary key that InnoDB appends), in the order of its range, without touching the wide table rows.

-- Invoices that became fully paid in [start, end): equality on tenant and status, a range on paid_at, then the
-- columns that are grouped (currency, gateway) and summed. Serves the totals, the gateway breakdown, and the
-- driving side of the tax breakdown's join (the invoice id comes with the key).
CREATE INDEX ix_invoices_report_paid ON invoices
    (tenant_id, status, paid_at, currency_code, gateway,
     subtotal_amount, total_tax_amount, total_service_fee_amount, total_amount, overpayment_amount);

-- The tax breakdown: for each invoice found above, its lines' rates and taxes in one index lookup.
CREATE INDEX ix_invoice_line_items_report ON invoice_line_items (invoice_id, tax_rate, tax_amount);

-- Cash collected in [start, end): applied payments by the time PayTrust applied them (recorded_at), with
-- the currency and amount to sum.
CREATE INDEX ix_payments_report_collected ON payments (tenant_id, applied, recorded_at, currency_code, amount);
