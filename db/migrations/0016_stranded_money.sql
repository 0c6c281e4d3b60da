-- Late and stranded money (spec §7.4 step 8, ADR 30).

-- Money recorded but not applied (applied = 0: it arrived for a closed invoice, or in another currency than its
-- invoice's) can be applied to another open invoice of the tenant, once: the row then names that invoice and is applied,
-- and recorded_at becomes the time it was applied, as for every applied payment (the reports count collected money by
-- recorded_at, and a closed day's figures are final, ADR 16). Where and when it was first recorded stays here. Both are
-- NULL for money applied where it arrived. They are written only from the row itself under its lock, so
-- original_invoice_id always names an invoice of the row's tenant; no key serves it (nothing looks payments up by it),
-- which keeps the payment insert path at its present indexes.
ALTER TABLE payments
    ADD COLUMN original_invoice_id CHAR(36) CHARACTER SET ascii NULL AFTER invoice_id,
    ADD COLUMN original_recorded_at DATETIME(6) NULL AFTER recorded_at;

-- On an installment plan a payment larger than its installment's attempt but within what the invoice still owes is
-- carried forward to the next installments (spec §5): that is carried_forward; overpayment is only money beyond what
-- the invoice owed, so the overpayment differences of an invoice add up to its overpayment_amount.
ALTER TABLE payment_discrepancies DROP CONSTRAINT ck_payment_discrepancies_kind;
ALTER TABLE payment_discrepancies ADD CONSTRAINT ck_payment_discrepancies_kind
    CHECK (kind IN ('underpayment', 'overpayment', 'carried_forward', 'currency_mismatch', 'closed_invoice', 'duplicate_settlement'));
