-- The sandbox checkout page is addressed by its session id, a 128-bit random token kept as the attempt's
-- gateway_reference, no longer by the attempt reference (which derives from the invoice's payment reference, a number
-- customers quote on bank transfers). The page looks the attempt up by that token (ADR 12). Not unique: gateway
-- references come from outside, and a unique key would let one tenant's reference collide with another's.
CREATE INDEX ix_payment_attempts_gateway_reference ON payment_attempts (gateway_reference);

-- A sandbox session opened before this migration was addressed by its reference, and its session id ('sbx_' + a Guid)
-- is not a token the page accepts, so its page is gone: end the session now. The next visit to the invoice's payment
-- link then opens a new session and closes this one, as for any session about to end.
UPDATE payment_attempts SET expires_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)
WHERE gateway = 'sandbox' AND status = 'pending' AND expires_at > UTC_TIMESTAMP(6);
