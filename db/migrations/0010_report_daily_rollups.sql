-- Daily roll-ups for GET /reports/financial (ADR 16). Every figure of the report is attributed to an instant that
-- never changes once written (paid_at, recorded_at), so the sums of a UTC day that has closed are final: they are
-- stored once, per tenant, day, currency and invoice gateway (the report's filters), by the report roll-up job. A
-- report adds the rows of its whole rolled-up days and queries only its partial edges row by row.

-- Invoices fully paid on the day (by paid_at) and cash applied on the day (by recorded_at, under the gateway of the
-- invoice it paid). overpayment is what those invoices' payments up to the end of the day exceed their totals; a
-- row with invoice_count 0 carries only collected money. One row per (tenant, day, currency, gateway).
CREATE TABLE report_daily_totals (
    tenant_id      CHAR(36)     CHARACTER SET ascii NOT NULL,
    day            DATE         NOT NULL,
    currency_code  CHAR(3)      NOT NULL,
    gateway        VARCHAR(32)  NOT NULL,
    invoice_count  BIGINT       NOT NULL,
    subtotal       BIGINT       NOT NULL,
    tax            BIGINT       NOT NULL,
    service_fees   BIGINT       NOT NULL,
    amount         BIGINT       NOT NULL,
    overpayment    BIGINT       NOT NULL,
    collected      BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, day, currency_code, gateway)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Tax by rate of the invoices fully paid on the day (from paid_invoice_taxes). An invoice is paid on exactly one
-- day and has one gateway, so invoice_count adds up across days and gateways without counting an invoice twice.
CREATE TABLE report_daily_taxes (
    tenant_id        CHAR(36)      CHARACTER SET ascii NOT NULL,
    day              DATE          NOT NULL,
    currency_code    CHAR(3)       NOT NULL,
    gateway          VARCHAR(32)   NOT NULL,
    tax_rate         DECIMAL(5,4)  NOT NULL,
    amount           BIGINT        NOT NULL,
    line_item_count  BIGINT        NOT NULL,
    invoice_count    BIGINT        NOT NULL,
    PRIMARY KEY (tenant_id, day, currency_code, gateway, tax_rate)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Money applied on the day to invoices fully paid on an earlier day (paid_day): all of it is overpayment. A report
-- whose window holds paid_day counts it when the day is also before the window's end.
CREATE TABLE report_daily_late_overpayments (
    tenant_id      CHAR(36)     CHARACTER SET ascii NOT NULL,
    day            DATE         NOT NULL,
    paid_day       DATE         NOT NULL,
    currency_code  CHAR(3)      NOT NULL,
    gateway        VARCHAR(32)  NOT NULL,
    amount         BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, day, paid_day, currency_code, gateway)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How far each tenant is rolled up: every day before rolled_up_until has its rows above (written in the same
-- transaction as this row moves), so a report trusts the roll-up for exactly those days. The job claims a tenant's
-- row with FOR UPDATE SKIP LOCKED, so instances running at once never roll up the same days.
CREATE TABLE report_rollup_progress (
    tenant_id        CHAR(36)  CHARACTER SET ascii NOT NULL PRIMARY KEY,
    rolled_up_until  DATE      NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
