-- Sessions that may still be open at a gateway although PayTrust no longer wants them paid (ADR 31): an attempt whose
-- session was closed on purpose but whose close was not confirmed yet, one whose creation failed in a way that may
-- have opened a session anyway (a timeout), or one abandoned in `creating`. The session sweep looks each one up at its
-- gateway when session_sweep_at comes, closes it there, or applies the money if it was paid; NULL means nothing is
-- left to do. session_sweep_count is how often it was tried, for the growing interval.
ALTER TABLE payment_attempts
    ADD COLUMN session_sweep_at DATETIME(6) NULL,
    ADD COLUMN session_sweep_count INT NOT NULL DEFAULT 0,
    ADD KEY ix_payment_attempts_session_sweep (session_sweep_at);
