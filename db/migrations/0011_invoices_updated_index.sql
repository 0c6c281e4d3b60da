-- The reconciliation worker's invariant check (spec §7.7) reads the invoices changed since its previous run, and all
-- of them on its first run, in pages ordered by (updated_at, id). Without this index each page scanned the whole
-- table; with it a page is a short range read, however large the ledger (ADR 23).
ALTER TABLE invoices ADD KEY ix_invoices_updated (updated_at, id);
