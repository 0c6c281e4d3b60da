-- Trust boundary (spec §7.4 step 2, ADR 13): everything that identifies money is unique per tenant, so nothing a
-- notification signed with one tenant's credentials carries can collide with, block or pre-empt another tenant's
-- row. Unique keys only widen here (tenant_id is added in front), so every row stored before stays valid.

-- Webhook dedup keys per tenant. Bodies refused before anyone could verify them (unknown reference, unreadable) belong
-- to no tenant (NULL, which a unique key never matches); the repository looks for a repeat of one before it stores it.
ALTER TABLE webhook_events
    -- A body refused before verification is kept as its SHA-256, its length and its first bytes only (spec §13): an
    -- anonymous caller must not be able to fill the database. NULL for a verified event, whose payload is whole.
    ADD COLUMN payload_sha256 BINARY(32) NULL AFTER payload,
    ADD COLUMN payload_length INT NULL AFTER payload_sha256,
    ADD UNIQUE KEY ux_webhook_events_tenant_dedup (tenant_id, gateway, dedup_key),
    DROP KEY ux_webhook_events_dedup;

UPDATE webhook_events
SET payload_sha256 = UNHEX(SHA2(payload, 256)), payload_length = LENGTH(payload), payload = LEFT(payload, 256)
WHERE tenant_id IS NULL;

-- A gateway transaction id is the gateway's, and two tenants' gateway accounts may each use the same one.
ALTER TABLE payments
    ADD UNIQUE KEY ux_payments_tenant_gateway_transaction (tenant_id, gateway, gateway_transaction_id),
    DROP KEY ux_payments_gateway_transaction;

ALTER TABLE refunds
    ADD UNIQUE KEY ux_refunds_tenant_gateway_refund (tenant_id, gateway, gateway_transaction_id, gateway_refund_id),
    DROP KEY ux_refunds_gateway_refund;

-- An attempt is paid at most once (Midtrans allows one successful transaction per order_id): a second settlement of
-- an attempt already paid, under another transaction id, is recorded as this and never applied.
ALTER TABLE payment_discrepancies DROP CONSTRAINT ck_payment_discrepancies_kind;
ALTER TABLE payment_discrepancies ADD CONSTRAINT ck_payment_discrepancies_kind
    CHECK (kind IN ('underpayment', 'overpayment', 'currency_mismatch', 'closed_invoice', 'duplicate_settlement'));
