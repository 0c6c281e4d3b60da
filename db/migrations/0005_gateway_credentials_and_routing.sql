-- Tenant gateway credentials (spec §3): one row per tenant and gateway. The secrets are one AES-GCM
-- blob (version byte, nonce, tag, ciphertext) under a key from configuration, bound to its row by the
-- associated data "tenant_id:gateway_code", so a blob copied to another row does not decrypt.
CREATE TABLE tenant_gateway_credentials (
    tenant_id     CHAR(36)        CHARACTER SET ascii NOT NULL,
    gateway_code  VARCHAR(32)     NOT NULL,
    mode          VARCHAR(16)     CHARACTER SET ascii NOT NULL,
    secrets       VARBINARY(4096) NOT NULL,
    created_at    DATETIME(6)     NOT NULL,
    updated_at    DATETIME(6)     NOT NULL,
    PRIMARY KEY (tenant_id, gateway_code),
    CONSTRAINT fk_tenant_gateway_credentials_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_tenant_gateway_credentials_gateway FOREIGN KEY (gateway_code) REFERENCES gateways (code),
    CONSTRAINT ck_tenant_gateway_credentials_mode CHECK (mode IN ('sandbox', 'production'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
