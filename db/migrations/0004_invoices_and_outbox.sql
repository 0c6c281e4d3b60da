-- Invoices (spec §2, §4, §5) and the outbox (spec §9). Amounts are BIGINT minor units; rates DECIMAL;
-- times DATETIME(6) UTC. Fee rule and tax rates are copied onto the invoice and its lines at creation.
CREATE TABLE invoices (
    id                        CHAR(36)      CHARACTER SET ascii NOT NULL PRIMARY KEY,
    tenant_id                 CHAR(36)      CHARACTER SET ascii NOT NULL,
    external_id               VARCHAR(255)  COLLATE utf8mb4_bin NULL,
    parent_invoice_id         CHAR(36)      CHARACTER SET ascii NULL,
    status                    VARCHAR(16)   CHARACTER SET ascii NOT NULL,
    currency_code             CHAR(3)       NOT NULL,
    gateway                   VARCHAR(32)   NOT NULL,
    payment_method            VARCHAR(32)   CHARACTER SET ascii NULL,
    fee_percentage            DECIMAL(7,4)  NOT NULL,
    fee_fixed                 BIGINT        NOT NULL,
    subtotal_amount           BIGINT        NOT NULL,
    total_tax_amount          BIGINT        NOT NULL,
    total_service_fee_amount  BIGINT        NOT NULL,
    total_amount              BIGINT        NOT NULL,
    amount_paid               BIGINT        NOT NULL DEFAULT 0,
    overpayment_amount        BIGINT        NOT NULL DEFAULT 0,
    payment_reference         CHAR(11)      CHARACTER SET ascii NOT NULL,
    payment_token             CHAR(22)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    description               VARCHAR(1000) NULL,
    customer_name             VARCHAR(255)  NULL,
    customer_email            VARCHAR(255)  NULL,
    customer_phone            VARCHAR(32)   NULL,
    metadata                  TEXT          NULL,
    created_at                DATETIME(6)   NOT NULL,
    updated_at                DATETIME(6)   NOT NULL,
    expires_at                DATETIME(6)   NOT NULL,
    payment_initiated_at      DATETIME(6)   NULL,
    paid_at                   DATETIME(6)   NULL,
    cancelled_at              DATETIME(6)   NULL,
    expired_at                DATETIME(6)   NULL,
    -- NULL external ids do not collide; a given one is unique per tenant.
    UNIQUE KEY ux_invoices_tenant_external_id (tenant_id, external_id),
    -- Commands find an invoice through (tenant_id, id), so another tenant's id locks nothing of the owner's.
    UNIQUE KEY ux_invoices_tenant_id (tenant_id, id),
    UNIQUE KEY ux_invoices_payment_reference (payment_reference),
    UNIQUE KEY ux_invoices_payment_token (payment_token),
    -- Lists: newest first per tenant, optionally by status.
    KEY ix_invoices_tenant_created (tenant_id, created_at, id),
    KEY ix_invoices_tenant_status_created (tenant_id, status, created_at),
    -- The expiry worker: open invoices whose expiry has passed.
    KEY ix_invoices_status_expires (status, expires_at),
    CONSTRAINT fk_invoices_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_invoices_parent FOREIGN KEY (parent_invoice_id) REFERENCES invoices (id),
    CONSTRAINT fk_invoices_gateway_currency FOREIGN KEY (gateway, currency_code) REFERENCES gateway_currencies (gateway_code, currency_code),
    CONSTRAINT ck_invoices_status CHECK (status IN ('draft', 'pending', 'partially_paid', 'fully_paid', 'failed', 'expired', 'cancelled')),
    CONSTRAINT ck_invoices_amounts CHECK (subtotal_amount >= 0 AND total_tax_amount >= 0 AND total_service_fee_amount >= 0
        AND amount_paid >= 0 AND overpayment_amount >= 0 AND total_amount <= 1000000000000000),
    CONSTRAINT ck_invoices_total CHECK (total_amount = subtotal_amount + total_tax_amount + total_service_fee_amount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_line_items (
    id               CHAR(36)      CHARACTER SET ascii NOT NULL PRIMARY KEY,
    invoice_id       CHAR(36)      CHARACTER SET ascii NOT NULL,
    line_number      SMALLINT      NOT NULL,
    product_name     VARCHAR(255)  NOT NULL,
    quantity         INT           NOT NULL,
    unit_price       BIGINT        NOT NULL,
    tax_rate         DECIMAL(5,4)  NOT NULL,
    tax_category     VARCHAR(64)   NULL,
    country_code     CHAR(2)       CHARACTER SET ascii NULL,
    subtotal_amount  BIGINT        NOT NULL,
    tax_amount       BIGINT        NOT NULL,
    UNIQUE KEY ux_invoice_line_items_number (invoice_id, line_number),
    CONSTRAINT fk_invoice_line_items_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id),
    CONSTRAINT ck_invoice_line_items_values CHECK (quantity BETWEEN 1 AND 1000000 AND unit_price >= 0
        AND tax_rate BETWEEN 0 AND 1 AND subtotal_amount >= 0 AND tax_amount >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_installments (
    invoice_id   CHAR(36)     CHARACTER SET ascii NOT NULL,
    number       TINYINT      NOT NULL,
    due_date     DATETIME(6)  NOT NULL,
    amount       BIGINT       NOT NULL,
    tax          BIGINT       NOT NULL,
    service_fee  BIGINT       NOT NULL,
    amount_paid  BIGINT       NOT NULL DEFAULT 0,
    paid_at      DATETIME(6)  NULL,
    PRIMARY KEY (invoice_id, number),
    CONSTRAINT fk_invoice_installments_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id),
    CONSTRAINT ck_invoice_installments_values CHECK (number BETWEEN 1 AND 12 AND amount >= 1
        AND tax >= 0 AND service_fee >= 0 AND amount_paid >= 0 AND amount_paid <= amount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Outbox (spec §9): written in the same transaction as the change that raised the event; a dispatcher
-- (a later issue) delivers rows and sets published_at.
CREATE TABLE outbox_events (
    id            CHAR(36)     CHARACTER SET ascii NOT NULL PRIMARY KEY,
    tenant_id     CHAR(36)     CHARACTER SET ascii NOT NULL,
    type          VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    subject_id    CHAR(36)     CHARACTER SET ascii NOT NULL,
    payload       TEXT         NOT NULL,
    occurred_at   DATETIME(6)  NOT NULL,
    published_at  DATETIME(6)  NULL,
    KEY ix_outbox_events_tenant (tenant_id, occurred_at, id),
    KEY ix_outbox_events_subject (subject_id, occurred_at),
    KEY ix_outbox_events_unpublished (published_at, occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
