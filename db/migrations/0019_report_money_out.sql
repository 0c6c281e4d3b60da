-- Money out in GET /reports/financial (ADR 16, "Money out"): refunds, chargebacks and reversals by the time they
-- happened (refunded_at), per currency, gateway and kind. Equality on the tenant, a range on refunded_at, then the
-- columns that are filtered, grouped and summed, and the payment the entry is against (joined by primary key to
-- count only entries against applied payments). Money out is read live for every window, never from the daily
-- roll-ups: an entry can arrive after the day its refunded_at names has closed, or wait for its payment.
CREATE INDEX ix_refunds_report ON refunds (tenant_id, refunded_at, currency_code, gateway, kind, amount, payment_id);
