-- Money out after payment (spec §7.4 step 6): refunds, chargebacks and reversals are one kind of entry, told apart
-- by kind, and summed on the invoice as amount_refunded. fully_paid stays terminal: money returned after payment is
-- recorded beside amount_paid, never subtracted from it.

ALTER TABLE refunds
    -- refund: the merchant returned money (Midtrans refund / partial_refund, Xendit refund callbacks);
    -- chargeback: the card holder's bank took it back (Midtrans chargeback / partial_chargeback);
    -- reversal: the gateway undid the payment itself (Midtrans deny after settlement, cancel after capture).
    ADD COLUMN kind VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT 'refund' AFTER payment_id,
    -- The attempt whose payment the money left. An entry that arrives before its payment waits with payment_id NULL
    -- and is attached (and counted on the invoice) when the attempt's payment is applied.
    ADD COLUMN attempt_id CHAR(36) CHARACTER SET ascii NULL AFTER kind,
    ADD KEY ix_refunds_tenant_attempt_waiting (tenant_id, attempt_id, payment_id),
    ADD CONSTRAINT ck_refunds_kind CHECK (kind IN ('refund', 'chargeback', 'reversal'));

ALTER TABLE invoices
    ADD COLUMN amount_refunded BIGINT NOT NULL DEFAULT 0 AFTER overpayment_amount,
    ADD CONSTRAINT ck_invoices_amount_refunded CHECK (amount_refunded >= 0);

