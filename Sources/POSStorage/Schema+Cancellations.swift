extension Schema {
    /// An open invoice the desk cancels (the client left, it was opened by mistake) keeps its number and lines and is
    /// marked here, with who, when and why; it is then out of every list of open invoices and never changes again.
    /// Only an open invoice can be cancelled: a posted one is refunded or voided.
    static let cancellations = """
        CREATE TABLE invoiceCancel (
            invoiceNumber INTEGER PRIMARY KEY REFERENCES invoice(number),
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            cancelledBy TEXT NOT NULL REFERENCES employee(id),
            terminal TEXT NOT NULL,
            cancelledAt INTEGER NOT NULL
        ) STRICT;

        CREATE TRIGGER invoiceCancelOnlyOpen BEFORE INSERT ON invoiceCancel
        WHEN (SELECT status FROM invoice WHERE number = NEW.invoiceNumber) IS NOT 'open'
        BEGIN SELECT RAISE(ABORT, 'only an open invoice can be cancelled'); END;

        CREATE TRIGGER invoiceCancelledNoPost BEFORE UPDATE ON invoice
        WHEN EXISTS (SELECT 1 FROM invoiceCancel WHERE invoiceNumber = OLD.number)
        BEGIN SELECT RAISE(ABORT, 'a cancelled invoice is never changed'); END;
        CREATE TRIGGER invoiceLineCancelledNoInsert BEFORE INSERT ON invoiceLine
        WHEN EXISTS (SELECT 1 FROM invoiceCancel WHERE invoiceNumber = NEW.invoiceNumber)
        BEGIN SELECT RAISE(ABORT, 'a cancelled invoice is never changed'); END;
        CREATE TRIGGER invoiceLineCancelledNoUpdate BEFORE UPDATE ON invoiceLine
        WHEN EXISTS (SELECT 1 FROM invoiceCancel WHERE invoiceNumber = OLD.invoiceNumber)
        BEGIN SELECT RAISE(ABORT, 'a cancelled invoice is never changed'); END;
        CREATE TRIGGER invoiceLineCancelledNoDelete BEFORE DELETE ON invoiceLine
        WHEN EXISTS (SELECT 1 FROM invoiceCancel WHERE invoiceNumber = OLD.invoiceNumber)
        BEGIN SELECT RAISE(ABORT, 'a cancelled invoice is never changed'); END;
        """
        + appendOnly(["invoiceCancel"])
}
