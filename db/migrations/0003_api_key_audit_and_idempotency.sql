-- API key audit trail (spec §6): every create / rotate / revoke and every authentication failure with a
-- known but inactive key. Retained at least a year; rows are never updated.
CREATE TABLE api_key_audit_log (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    occurred_at   DATETIME(6)  NOT NULL,
    operation     VARCHAR(32)  CHARACTER SET ascii NOT NULL,
    api_key_id    CHAR(36)     CHARACTER SET ascii NULL,
    tenant_id     CHAR(36)     CHARACTER SET ascii NULL,
    actor         VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    ip_address    VARCHAR(45)  CHARACTER SET ascii NULL,
    old_key_hash  BINARY(32)   NULL,
    success       TINYINT(1)   NOT NULL,
    detail        VARCHAR(255) NULL,
    KEY ix_api_key_audit_occurred (occurred_at),
    KEY ix_api_key_audit_key (api_key_id, occurred_at),
    CONSTRAINT ck_api_key_audit_operation CHECK (operation IN ('create', 'rotate', 'revoke', 'authentication_failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rotation links the new key to the one it replaces.
ALTER TABLE api_keys ADD COLUMN replaces_key_id CHAR(36) CHARACTER SET ascii NULL AFTER tenant_id;

-- Idempotency keys (spec §10): one row per (scope, key). scope is the tenant id, or 'admin'.
-- A row is claimed 'in_progress' before the command runs and completed in the command's own
-- transaction, so a stored response and its effect commit together or not at all.
CREATE TABLE idempotency_keys (
    scope            VARCHAR(36)  CHARACTER SET ascii NOT NULL,
    idempotency_key  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    fingerprint      BINARY(32)   NOT NULL,
    state            VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    response_kind    VARCHAR(16)  CHARACTER SET ascii NULL,
    response         MEDIUMTEXT   NULL,
    created_at       DATETIME(6)  NOT NULL,
    locked_until     DATETIME(6)  NOT NULL,
    expires_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (scope, idempotency_key),
    KEY ix_idempotency_keys_expires (expires_at),
    CONSTRAINT ck_idempotency_keys_state CHECK (state IN ('in_progress', 'completed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
