-- Tenants and their API keys (spec §6). Keys are stored only as HMAC-SHA256(pepper, key); the prefix
-- ("ptk_" + 8 hex) is kept so people can tell keys apart in listings.
CREATE TABLE tenants (
    id          CHAR(36)     CHARACTER SET ascii NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    KEY ix_tenants_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_keys (
    id            CHAR(36)     CHARACTER SET ascii NOT NULL PRIMARY KEY,
    tenant_id     CHAR(36)     CHARACTER SET ascii NOT NULL,
    key_hash      BINARY(32)   NOT NULL,
    key_prefix    VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    description   VARCHAR(255) NOT NULL DEFAULT '',
    created_at    DATETIME(6)  NOT NULL,
    expires_at    DATETIME(6)  NULL,
    revoked_at    DATETIME(6)  NULL,
    last_used_at  DATETIME(6)  NULL,
    UNIQUE KEY ux_api_keys_hash (key_hash),
    KEY ix_api_keys_tenant (tenant_id),
    CONSTRAINT fk_api_keys_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
