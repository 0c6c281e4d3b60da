-- The trigger of 0009 ran its INSERT … SELECT on every update of an invoice, and the server prepared, optimised and
-- ran that SELECT over the invoice's line items before its WHERE (NEW.status = 'fully_paid' …) turned it into no
-- rows: about 30 µs of the server's CPU on each invoice update, nearly all of which are not the move to fully_paid
-- (a checkout opened, a partial payment, an expiry). Behind IF the SELECT runs only for that move. What it writes is
-- unchanged (ADR 16). Between the DROP and the CREATE no invoice may become fully_paid: migrations run before the
-- API serves (./build.sh db migrate, or at start-up).
DROP TRIGGER IF EXISTS tr_invoices_paid_taxes;

DELIMITER $$
CREATE TRIGGER tr_invoices_paid_taxes AFTER UPDATE ON invoices FOR EACH ROW
IF NEW.status = 'fully_paid' AND OLD.status <> 'fully_paid' AND NEW.paid_at IS NOT NULL THEN
    INSERT INTO paid_invoice_taxes (tenant_id, paid_at, invoice_id, tax_rate, currency_code, gateway, tax_amount, line_item_count)
    SELECT NEW.tenant_id, NEW.paid_at, NEW.id, l.tax_rate, NEW.currency_code, NEW.gateway, SUM(l.tax_amount), COUNT(*)
    FROM invoice_line_items l
    WHERE l.invoice_id = NEW.id
    GROUP BY l.tax_rate;
END IF$$
DELIMITER ;
