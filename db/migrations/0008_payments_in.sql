-- Payments in (spec §5, §7.4, §7.5, §7.7, §7.8): gateway webhooks as received, the payments they (or the
-- merchant, or reconciliation) applied, discrepancies, refunds, and the durable retry log.

-- Every verified (or permanently refused) notification, stored before it is applied. The unique key on
-- (gateway, dedup_key) is what makes a duplicate a duplicate: 1,000 copies racing insert one row.
CREATE TABLE webhook_events (
    id                CHAR(36)      CHARACTER SET ascii NOT NULL PRIMARY KEY,
    gateway           VARCHAR(32)   NOT NULL,
    dedup_key         VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- NULL when the reference is unknown (such events are only visible to the administrator).
    tenant_id         CHAR(36)      CHARACTER SET ascii NULL,
    invoice_id        CHAR(36)      CHARACTER SET ascii NULL,
    attempt_id        CHAR(36)      CHARACTER SET ascii NULL,
    reference         VARCHAR(64)   NULL,
    -- The body exactly as received (≤ 256 KiB) and the non-secret headers as a JSON object.
    payload           MEDIUMBLOB    NOT NULL,
    headers           TEXT          NOT NULL,
    -- received → processed | rejected (permanent: malformed, unknown reference, currency mismatch) |
    -- retrying (transient failure; next_retry_at set) → processed | failed (retries exhausted).
    status            VARCHAR(16)   CHARACTER SET ascii NOT NULL,
    -- What processing concluded: applied, already_applied, attempt_failed, pending, refund_recorded, … or the refusal code.
    outcome           VARCHAR(40)   CHARACTER SET ascii NULL,
    retry_count       INT           NOT NULL DEFAULT 0,
    first_failed_at   DATETIME(6)   NULL,
    next_retry_at     DATETIME(6)   NULL,
    last_error        VARCHAR(1000) NULL,
    received_at       DATETIME(6)   NOT NULL,
    processed_at      DATETIME(6)   NULL,
    UNIQUE KEY ux_webhook_events_dedup (gateway, dedup_key),
    -- The retry worker: due retries, oldest first.
    KEY ix_webhook_events_retry (status, next_retry_at),
    -- GET /webhooks/failed for a tenant.
    KEY ix_webhook_events_tenant_status (tenant_id, status, received_at),
    KEY ix_webhook_events_invoice (invoice_id),
    CONSTRAINT ck_webhook_events_status CHECK (status IN ('received', 'processed', 'rejected', 'retrying', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per processing attempt of an event that failed at least once (spec §7.4 step 5).
CREATE TABLE webhook_retry_log (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id       CHAR(36)      CHARACTER SET ascii NOT NULL,
    attempt_number INT           NOT NULL,
    attempted_at   DATETIME(6)   NOT NULL,
    outcome        VARCHAR(16)   CHARACTER SET ascii NOT NULL,
    error          VARCHAR(1000) NULL,
    KEY ix_webhook_retry_log_event (event_id, attempt_number),
    CONSTRAINT fk_webhook_retry_log_event FOREIGN KEY (event_id) REFERENCES webhook_events (id),
    CONSTRAINT ck_webhook_retry_log_outcome CHECK (outcome IN ('succeeded', 'failed', 'gave_up'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Money received and applied to an invoice. A gateway transaction is applied once: the unique key on
-- (gateway, gateway_transaction_id) is the last line of defence behind the webhook dedup key (a Xendit PAID
-- then SETTLED, a Midtrans capture then settlement, a webhook and reconciliation all name the same one).
-- A merchant-recorded payment is unique by its reference per tenant.
CREATE TABLE payments (
    id                      CHAR(36)      CHARACTER SET ascii NOT NULL PRIMARY KEY,
    tenant_id               CHAR(36)      CHARACTER SET ascii NOT NULL,
    invoice_id              CHAR(36)      CHARACTER SET ascii NOT NULL,
    attempt_id              CHAR(36)      CHARACTER SET ascii NULL,
    rail                    VARCHAR(32)   CHARACTER SET ascii NOT NULL,
    gateway                 VARCHAR(32)   NULL,
    gateway_transaction_id  VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NULL,
    reference               VARCHAR(255)  COLLATE utf8mb4_bin NULL,
    currency_code           CHAR(3)       NOT NULL,
    amount                  BIGINT        NOT NULL,
    -- webhook | reconciliation | merchant
    source                  VARCHAR(16)   CHARACTER SET ascii NOT NULL,
    -- 0 when the money arrived for a cancelled or expired invoice: recorded (and a closed_invoice
    -- discrepancy raised) but not applied, so amount_paid = Σ applied payments stays true.
    applied                 TINYINT(1)    NOT NULL,
    note                    VARCHAR(1000) NULL,
    paid_at                 DATETIME(6)   NOT NULL,
    recorded_at             DATETIME(6)   NOT NULL,
    UNIQUE KEY ux_payments_gateway_transaction (gateway, gateway_transaction_id),
    UNIQUE KEY ux_payments_tenant_reference (tenant_id, reference),
    KEY ix_payments_tenant_invoice (tenant_id, invoice_id, recorded_at),
    CONSTRAINT fk_payments_invoice FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id),
    CONSTRAINT ck_payments_amount CHECK (amount > 0 AND amount <= 1000000000000000),
    CONSTRAINT ck_payments_source CHECK (source IN ('webhook', 'reconciliation', 'merchant'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Money that did not match what was expected (spec §7.4 steps 3–4): difference = received − expected,
-- signed (negative for an underpayment). A currency mismatch keeps both currencies; its difference is NULL.
CREATE TABLE payment_discrepancies (
    id                      CHAR(36)      CHARACTER SET ascii NOT NULL PRIMARY KEY,
    tenant_id               CHAR(36)      CHARACTER SET ascii NOT NULL,
    invoice_id              CHAR(36)      CHARACTER SET ascii NOT NULL,
    payment_id              CHAR(36)      CHARACTER SET ascii NULL,
    webhook_event_id        CHAR(36)      CHARACTER SET ascii NULL,
    kind                    VARCHAR(32)   CHARACTER SET ascii NOT NULL,
    expected_currency_code  CHAR(3)       NOT NULL,
    expected_amount         BIGINT        NOT NULL,
    received_currency_code  CHAR(3)       NOT NULL,
    received_amount         BIGINT        NOT NULL,
    difference              BIGINT        NULL,
    created_at              DATETIME(6)   NOT NULL,
    KEY ix_payment_discrepancies_tenant_invoice (tenant_id, invoice_id, created_at),
    CONSTRAINT fk_payment_discrepancies_invoice FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id),
    CONSTRAINT ck_payment_discrepancies_kind CHECK (kind IN ('underpayment', 'overpayment', 'currency_mismatch', 'closed_invoice'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refunds reported by gateways (spec §7.4 step 6); PayTrust does not initiate them.
CREATE TABLE refunds (
    id                 CHAR(36)      CHARACTER SET ascii NOT NULL PRIMARY KEY,
    tenant_id          CHAR(36)      CHARACTER SET ascii NOT NULL,
    invoice_id         CHAR(36)      CHARACTER SET ascii NOT NULL,
    payment_id         CHAR(36)      CHARACTER SET ascii NULL,
    gateway            VARCHAR(32)   NOT NULL,
    -- Midtrans numbers refunds 1, 2, … per transaction, so a refund id is unique only with its transaction.
    gateway_transaction_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    gateway_refund_id  VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    currency_code      CHAR(3)       NOT NULL,
    amount             BIGINT        NOT NULL,
    reason             VARCHAR(1000) NULL,
    refunded_at        DATETIME(6)   NOT NULL,
    recorded_at        DATETIME(6)   NOT NULL,
    UNIQUE KEY ux_refunds_gateway_refund (gateway, gateway_transaction_id, gateway_refund_id),
    KEY ix_refunds_tenant_invoice (tenant_id, invoice_id, refunded_at),
    CONSTRAINT fk_refunds_invoice FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id),
    CONSTRAINT ck_refunds_amount CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Reconciliation (§7.7): when a pending attempt is next asked about at its gateway, and how often it was.
ALTER TABLE payment_attempts
    ADD COLUMN reconcile_count INT NOT NULL DEFAULT 0,
    ADD COLUMN next_reconcile_at DATETIME(6) NULL,
    ADD KEY ix_payment_attempts_reconcile (status, next_reconcile_at);
