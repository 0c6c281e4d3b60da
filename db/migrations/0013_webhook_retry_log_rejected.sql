-- A retry or replay that ends a stored event as rejected (a malformed payload, or a sandbox event once the sandbox is
-- switched off, ADR 12) is logged as 'rejected' with its reason, not as 'succeeded'.
ALTER TABLE webhook_retry_log DROP CONSTRAINT ck_webhook_retry_log_outcome;
ALTER TABLE webhook_retry_log ADD CONSTRAINT ck_webhook_retry_log_outcome CHECK (outcome IN ('succeeded', 'failed', 'gave_up', 'rejected'));
