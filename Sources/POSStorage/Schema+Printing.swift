extension Schema {
    /// The persistent print queue: receipts wait here until the print server has printed them, so a checkout never
    /// waits for, or is lost with, the printer. Named `printJob`, singular camelCase like every other table.
    ///
    /// A job's bytes, queue and document never change; only its delivery state moves, and `printed` and `failed` are
    /// final (a person reprints instead). `sending` and `sent` always carry the print server's job id, so after a
    /// crash the spooler asks the server about that job before it sends anything again.
    static let printing = """
        CREATE TABLE printJob (
            id INTEGER PRIMARY KEY,
            terminal TEXT NOT NULL,
            queue TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('sale', 'payment', 'refund', 'reprint', 'test')),
            document TEXT NOT NULL,
            invoiceNumber INTEGER REFERENCES invoice(number),
            bytes BLOB NOT NULL CHECK (length(bytes) > 0),
            state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'printed', 'failed')),
            attempts INTEGER NOT NULL CHECK (attempts >= 0),
            printerJob INTEGER,
            lastError TEXT,
            createdBy TEXT NOT NULL REFERENCES employee(id),
            createdAt INTEGER NOT NULL,
            updatedAt INTEGER NOT NULL,
            CHECK (state NOT IN ('sending', 'sent') OR printerJob IS NOT NULL)
        ) STRICT;
        CREATE INDEX printJobUnfinished ON printJob(queue, id) WHERE state IN ('queued', 'sending', 'sent');

        CREATE TRIGGER printJobContentIsFixed BEFORE UPDATE OF terminal, queue, kind, document, invoiceNumber, bytes,
            createdBy, createdAt ON printJob
        BEGIN
            SELECT RAISE(ABORT, 'a print job''s content never changes');
        END;
        CREATE TRIGGER printJobFinalStates BEFORE UPDATE OF state ON printJob
        WHEN OLD.state IN ('printed', 'failed')
        BEGIN
            SELECT RAISE(ABORT, 'a printed or failed print job is final: reprint instead');
        END;
        CREATE TRIGGER printJobKept BEFORE DELETE ON printJob
        BEGIN
            SELECT RAISE(ABORT, 'print jobs are kept');
        END;
        """
}
