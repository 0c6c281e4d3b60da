-- Tenant routing rules (spec §3): which gateway takes a currency, optionally per payment method.
-- payment_method '' is the tenant's default for the currency. The gateway must take the currency
-- (foreign key to gateway_currencies).
CREATE TABLE tenant_routing_rules (
    tenant_id       CHAR(36)     CHARACTER SET ascii NOT NULL,
    currency_code   CHAR(3)      NOT NULL,
    payment_method  VARCHAR(32)  CHARACTER SET ascii NOT NULL DEFAULT '',
    gateway_code    VARCHAR(32)  NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    PRIMARY KEY (tenant_id, currency_code, payment_method),
    CONSTRAINT fk_tenant_routing_rules_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_tenant_routing_rules_gateway_currency FOREIGN KEY (gateway_code, currency_code) REFERENCES gateway_currencies (gateway_code, currency_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
