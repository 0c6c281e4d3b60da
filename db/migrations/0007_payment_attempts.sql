-- Payment attempts (spec §7.1, §7.2): one row per try at collecting an invoice or its next installment
-- through a gateway. Inserted as 'creating' under the invoice row lock before the gateway is called,
-- then opened ('pending', with the gateway's reference and checkout URL) or failed with a §7.6 code.
CREATE TABLE payment_attempts (
    id                  CHAR(36)      CHARACTER SET ascii NOT NULL PRIMARY KEY,
    tenant_id           CHAR(36)      CHARACTER SET ascii NOT NULL,
    invoice_id          CHAR(36)      CHARACTER SET ascii NOT NULL,
    installment_number  SMALLINT      NULL,
    attempt_number      INT           NOT NULL,
    -- Sent to the gateway (Xendit external_id, Midtrans order_id): the invoice's reference + attempt number.
    reference           VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rail                VARCHAR(32)   CHARACTER SET ascii NOT NULL,
    gateway             VARCHAR(32)   NOT NULL,
    currency_code       CHAR(3)       NOT NULL,
    amount              BIGINT        NOT NULL,
    status              VARCHAR(16)   CHARACTER SET ascii NOT NULL,
    gateway_reference   VARCHAR(255)  NULL,
    checkout_url        VARCHAR(2048) NULL,
    failure_code        VARCHAR(40)   CHARACTER SET ascii NULL,
    created_at          DATETIME(6)   NOT NULL,
    updated_at          DATETIME(6)   NOT NULL,
    expires_at          DATETIME(6)   NOT NULL,
    UNIQUE KEY ux_payment_attempts_reference (reference),
    -- Attempt numbers are taken under the invoice lock; the key makes a second writer impossible anyway.
    UNIQUE KEY ux_payment_attempts_invoice_number (invoice_id, attempt_number),
    KEY ix_payment_attempts_tenant_invoice (tenant_id, invoice_id),
    -- Reconciliation (§7.7): attempts still pending, oldest first.
    KEY ix_payment_attempts_status_created (status, created_at),
    CONSTRAINT fk_payment_attempts_invoice FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id),
    CONSTRAINT ck_payment_attempts_status CHECK (status IN ('creating', 'pending', 'succeeded', 'failed', 'expired')),
    CONSTRAINT ck_payment_attempts_amount CHECK (amount > 0 AND amount <= 1000000000000000),
    CONSTRAINT ck_payment_attempts_failure CHECK ((status = 'failed') = (failure_code IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
