import GRDB

/// The schema, as GRDB migrations. Money is INTEGER minor units, quantities INTEGER thousandths, instants INTEGER
/// milliseconds since 1970, business days TEXT `YYYY-MM-DD`.
///
/// Immutability lives in the database itself: triggers refuse any UPDATE or DELETE of a posted invoice, its lines,
/// discounts, payments, voids, coupon redemptions, journal entries and command results, whatever program tries.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: foundation") { db in
            try db.execute(sql: foundation)
        }
        migrator.registerMigration("v2: posted discounts are immutable") { db in
            try db.execute(sql: postedNoInsert(["invoiceDiscount", "discountAllocation", "couponRedemption"]))
        }
        migrator.registerMigration("v3: cash drawers") { db in
            try db.execute(sql: drawers)
        }
        migrator.registerMigration("v4: deposits and card batches") { db in
            try db.execute(sql: deposits)
        }
        migrator.registerMigration("v5: settlements and bank statements") { db in
            try db.execute(sql: settlements)
        }
        migrator.registerMigration("v6: reconciliation decisions") { db in
            try db.execute(sql: reconciliation)
        }
        migrator.registerMigration("v7: print queue") { db in
            try db.execute(sql: printing)
        }
        migrator.registerMigration("v8: PIN throttle and sessions") { db in
            try db.execute(sql: sessions)
        }
        migrator.registerMigration("v9: cancelled open invoices") { db in
            try db.execute(sql: cancellations)
        }
        return migrator
    }

    static let foundation = """
        CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;

        CREATE TABLE taxCategory (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            ratePPM INTEGER NOT NULL CHECK (ratePPM BETWEEN 0 AND 1000000)
        ) STRICT;

        CREATE TABLE catalogItem (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('service', 'product', 'pharmacy', 'fee')),
            unitPrice INTEGER NOT NULL CHECK (unitPrice >= 0),
            taxCategory TEXT NOT NULL REFERENCES taxCategory(code),
            barcode TEXT UNIQUE,
            active INTEGER NOT NULL CHECK (active IN (0, 1))
        ) STRICT;

        CREATE TABLE employee (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('csr', 'technician', 'veterinarian', 'manager', 'bookkeeper')),
            pinHash TEXT NOT NULL,
            active INTEGER NOT NULL CHECK (active IN (0, 1))
        ) STRICT;

        CREATE TABLE client (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            phone TEXT NOT NULL,
            email TEXT NOT NULL,
            isStaff INTEGER NOT NULL CHECK (isStaff IN (0, 1)),
            isShelter INTEGER NOT NULL CHECK (isShelter IN (0, 1)),
            creditApproved INTEGER NOT NULL CHECK (creditApproved IN (0, 1)),
            creditLimit INTEGER NOT NULL CHECK (creditLimit >= 0)
        ) STRICT;

        CREATE TABLE patient (
            id TEXT PRIMARY KEY,
            clientId TEXT NOT NULL REFERENCES client(id),
            name TEXT NOT NULL,
            species TEXT NOT NULL
        ) STRICT;
        CREATE INDEX patientByClient ON patient(clientId);

        CREATE TABLE coupon (
            code TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            percentBP INTEGER CHECK (percentBP BETWEEN 1 AND 10000),
            amount INTEGER CHECK (amount > 0),
            scope TEXT NOT NULL,
            expiresOn TEXT NOT NULL,
            singleUse INTEGER NOT NULL CHECK (singleUse IN (0, 1)),
            CHECK ((percentBP IS NULL) <> (amount IS NULL))
        ) STRICT;

        CREATE TABLE invoice (
            number INTEGER PRIMARY KEY,
            clientId TEXT NOT NULL REFERENCES client(id),
            status TEXT NOT NULL CHECK (status IN ('open', 'posted')),
            terminal TEXT NOT NULL,
            openedBy TEXT NOT NULL REFERENCES employee(id),
            openedAt INTEGER NOT NULL,
            postedBy TEXT REFERENCES employee(id),
            postedAt INTEGER,
            businessDate TEXT,
            subtotal INTEGER,
            discountTotal INTEGER,
            taxTotal INTEGER,
            total INTEGER,
            CHECK (status = 'open' OR (postedBy IS NOT NULL AND postedAt IS NOT NULL AND businessDate IS NOT NULL
                AND total = subtotal - discountTotal + taxTotal))
        ) STRICT;
        CREATE INDEX invoiceByDate ON invoice(businessDate);
        CREATE INDEX invoiceByClient ON invoice(clientId);
        CREATE INDEX invoiceOpen ON invoice(status) WHERE status = 'open';

        CREATE TABLE invoiceLine (
            invoiceNumber INTEGER NOT NULL REFERENCES invoice(number),
            lineNumber INTEGER NOT NULL CHECK (lineNumber > 0),
            patientId TEXT NOT NULL REFERENCES patient(id),
            itemCode TEXT NOT NULL REFERENCES catalogItem(code),
            description TEXT NOT NULL,
            kind TEXT NOT NULL,
            taxCategory TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unitPrice INTEGER NOT NULL CHECK (unitPrice >= 0),
            extended INTEGER NOT NULL CHECK (extended >= 0),
            discount INTEGER NOT NULL CHECK (discount BETWEEN 0 AND extended),
            taxRatePPM INTEGER NOT NULL,
            tax INTEGER NOT NULL CHECK (tax >= 0),
            providerId TEXT NOT NULL REFERENCES employee(id),
            PRIMARY KEY (invoiceNumber, lineNumber)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE invoiceDiscount (
            invoiceNumber INTEGER NOT NULL REFERENCES invoice(number),
            sequence INTEGER NOT NULL,
            class TEXT NOT NULL,
            method TEXT NOT NULL,
            target TEXT NOT NULL,
            couponCode TEXT REFERENCES coupon(code),
            base INTEGER NOT NULL CHECK (base > 0),
            amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND base),
            appliedBy TEXT NOT NULL REFERENCES employee(id),
            approvedBy TEXT REFERENCES employee(id),
            reason TEXT,
            PRIMARY KEY (invoiceNumber, sequence)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE discountAllocation (
            invoiceNumber INTEGER NOT NULL,
            discountSequence INTEGER NOT NULL,
            lineNumber INTEGER NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            PRIMARY KEY (invoiceNumber, discountSequence, lineNumber),
            FOREIGN KEY (invoiceNumber, discountSequence) REFERENCES invoiceDiscount(invoiceNumber, sequence),
            FOREIGN KEY (invoiceNumber, lineNumber) REFERENCES invoiceLine(invoiceNumber, lineNumber)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE couponRedemption (
            couponCode TEXT NOT NULL REFERENCES coupon(code),
            invoiceNumber INTEGER NOT NULL REFERENCES invoice(number),
            singleUse INTEGER NOT NULL,
            PRIMARY KEY (couponCode, invoiceNumber)
        ) STRICT, WITHOUT ROWID;
        -- A single-use coupon can be redeemed once, whatever the program does.
        CREATE UNIQUE INDEX couponSingleUse ON couponRedemption(couponCode) WHERE singleUse = 1;

        CREATE TABLE payment (
            number INTEGER PRIMARY KEY,
            invoiceNumber INTEGER REFERENCES invoice(number),
            clientId TEXT NOT NULL REFERENCES client(id),
            kind TEXT NOT NULL CHECK (kind IN ('payment', 'refund', 'reversal')),
            tender TEXT NOT NULL CHECK (tender IN ('cash', 'check', 'credit', 'debit', 'careCredit', 'account')),
            amount INTEGER NOT NULL CHECK ((kind = 'payment') = (amount > 0) AND amount <> 0),
            tendered INTEGER NOT NULL,
            change INTEGER NOT NULL CHECK (change >= 0 AND (change = 0 OR tender = 'cash')),
            checkNumber TEXT,
            checkBank TEXT,
            checkPayer TEXT,
            checkIdNumber TEXT,
            cardBrand TEXT,
            cardLast4 TEXT CHECK (cardLast4 IS NULL OR (length(cardLast4) = 4 AND cardLast4 NOT GLOB '*[^0-9]*')),
            authCode TEXT,
            cardTerminal TEXT,
            reverses INTEGER REFERENCES payment(number),
            reason TEXT,
            approvedBy TEXT REFERENCES employee(id),
            employeeId TEXT NOT NULL REFERENCES employee(id),
            terminal TEXT NOT NULL,
            at INTEGER NOT NULL,
            businessDate TEXT NOT NULL,
            CHECK (kind <> 'payment' OR tendered - change = amount),
            CHECK ((kind = 'payment') = (reverses IS NULL)),
            CHECK (tender <> 'check' OR kind <> 'payment' OR (checkNumber IS NOT NULL AND checkIdNumber IS NOT NULL)),
            CHECK (tender NOT IN ('credit', 'debit', 'careCredit') OR (cardLast4 IS NOT NULL AND authCode IS NOT NULL))
        ) STRICT;
        CREATE INDEX paymentByDate ON payment(businessDate, tender);
        CREATE INDEX paymentByInvoice ON payment(invoiceNumber);
        CREATE INDEX paymentByReverses ON payment(reverses) WHERE reverses IS NOT NULL;
        CREATE INDEX paymentAccount ON payment(clientId) WHERE tender = 'account';

        CREATE TABLE invoiceVoid (
            invoiceNumber INTEGER PRIMARY KEY REFERENCES invoice(number),
            reason TEXT NOT NULL,
            employeeId TEXT NOT NULL REFERENCES employee(id),
            approvedBy TEXT REFERENCES employee(id),
            at INTEGER NOT NULL,
            businessDate TEXT NOT NULL
        ) STRICT;

        CREATE TABLE journal (
            sequence INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            employee TEXT NOT NULL,
            terminal TEXT NOT NULL,
            subject TEXT NOT NULL,
            payload TEXT NOT NULL,
            previousHash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        ) STRICT;

        -- Every mutating command's client-generated id, with the digest of what it asked and what it answered.
        CREATE TABLE command (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            digest TEXT NOT NULL,
            result TEXT NOT NULL,
            at INTEGER NOT NULL
        ) STRICT;

        -- Posted invoices: only an open invoice may change, and only to be posted.
        CREATE TRIGGER invoicePostedNoUpdate BEFORE UPDATE ON invoice WHEN OLD.status = 'posted'
        BEGIN SELECT RAISE(ABORT, 'posted invoices are immutable'); END;
        CREATE TRIGGER invoicePostedNoDelete BEFORE DELETE ON invoice WHEN OLD.status = 'posted'
        BEGIN SELECT RAISE(ABORT, 'posted invoices are immutable'); END;
        -- Posting checks the totals against the lines, so a posted total always ties out to its parts.
        CREATE TRIGGER invoicePostTotals BEFORE UPDATE OF status ON invoice WHEN NEW.status = 'posted'
        BEGIN
            SELECT RAISE(ABORT, 'invoice totals do not match its lines')
            WHERE NEW.subtotal IS NOT (SELECT COALESCE(SUM(extended), 0) FROM invoiceLine WHERE invoiceNumber = NEW.number)
               OR NEW.discountTotal IS NOT (SELECT COALESCE(SUM(discount), 0) FROM invoiceLine WHERE invoiceNumber = NEW.number)
               OR NEW.taxTotal IS NOT (SELECT COALESCE(SUM(tax), 0) FROM invoiceLine WHERE invoiceNumber = NEW.number)
               OR NEW.discountTotal IS NOT (SELECT COALESCE(SUM(amount), 0) FROM invoiceDiscount WHERE invoiceNumber = NEW.number)
               OR NEW.discountTotal IS NOT (SELECT COALESCE(SUM(amount), 0) FROM discountAllocation WHERE invoiceNumber = NEW.number);
        END;

        CREATE TRIGGER invoiceLinePostedNoInsert BEFORE INSERT ON invoiceLine
        WHEN (SELECT status FROM invoice WHERE number = NEW.invoiceNumber) = 'posted'
        BEGIN SELECT RAISE(ABORT, 'posted invoices are immutable'); END;
        CREATE TRIGGER invoiceLinePostedNoUpdate BEFORE UPDATE ON invoiceLine
        WHEN (SELECT status FROM invoice WHERE number = OLD.invoiceNumber) = 'posted'
        BEGIN SELECT RAISE(ABORT, 'posted invoices are immutable'); END;
        CREATE TRIGGER invoiceLinePostedNoDelete BEFORE DELETE ON invoiceLine
        WHEN (SELECT status FROM invoice WHERE number = OLD.invoiceNumber) = 'posted'
        BEGIN SELECT RAISE(ABORT, 'posted invoices are immutable'); END;
        """
        + appendOnly([
            "invoiceDiscount", "discountAllocation", "couponRedemption", "payment", "invoiceVoid", "journal", "command",
        ])

    /// Triggers that refuse new rows for an invoice once it is posted: its discounts, their allocations and its coupon
    /// redemptions are all stored before the invoice is posted, so a later row could only change a posted invoice.
    static func postedNoInsert(_ tables: [String]) -> String {
        tables.map { table in
            """

            CREATE TRIGGER \(table)PostedNoInsert BEFORE INSERT ON \(table)
            WHEN (SELECT status FROM invoice WHERE number = NEW.invoiceNumber) = 'posted'
            BEGIN SELECT RAISE(ABORT, 'posted invoices are immutable'); END;
            """
        }.joined()
    }

    /// Drawer sessions, their events and the counts by denomination of every count event. A closed session and
    /// everything of it is immutable; corrections are adjustment events in a later session.
    static let drawers =
        """
        CREATE TABLE drawerSession (
            id INTEGER PRIMARY KEY,
            drawer TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('open', 'ended', 'closed')),
            openedBy TEXT NOT NULL REFERENCES employee(id),
            openedAt INTEGER NOT NULL,
            cashier TEXT NOT NULL REFERENCES employee(id),
            endedAt INTEGER,
            closedBy TEXT REFERENCES employee(id),
            closedAt INTEGER,
            zNumber INTEGER,
            closeNote TEXT,
            approvedBy TEXT REFERENCES employee(id),
            checksCounted TEXT,
            cardSlips TEXT,
            CHECK (state <> 'closed' OR (closedAt IS NOT NULL AND closedBy IS NOT NULL AND zNumber IS NOT NULL)),
            UNIQUE (drawer, zNumber)
        ) STRICT;
        -- One session at a time per drawer: a new one opens only after the last is closed.
        CREATE UNIQUE INDEX drawerOneActive ON drawerSession(drawer) WHERE state <> 'closed';

        CREATE TABLE drawerEvent (
            session INTEGER NOT NULL REFERENCES drawerSession(id),
            sequence INTEGER NOT NULL CHECK (sequence > 0),
            kind TEXT NOT NULL CHECK (kind IN ('open', 'paidIn', 'paidOut', 'safeDrop', 'noSale', 'handover',
                'closeCount', 'recount', 'adjustment')),
            amount INTEGER NOT NULL,
            reason TEXT,
            employee TEXT NOT NULL REFERENCES employee(id),
            otherEmployee TEXT REFERENCES employee(id),
            correctsSession INTEGER REFERENCES drawerSession(id),
            at INTEGER NOT NULL,
            CHECK (kind NOT IN ('paidIn') OR amount > 0),
            CHECK (kind NOT IN ('paidOut', 'safeDrop') OR amount < 0),
            CHECK (kind NOT IN ('open', 'noSale', 'handover', 'closeCount', 'recount') OR amount = 0),
            PRIMARY KEY (session, sequence)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX drawerEventCorrects ON drawerEvent(correctsSession) WHERE correctsSession IS NOT NULL;

        CREATE TABLE drawerCount (
            session INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            denomination TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (session, sequence, denomination),
            FOREIGN KEY (session, sequence) REFERENCES drawerEvent(session, sequence)
        ) STRICT, WITHOUT ROWID;

        -- Reduce to float: what stayed in the drawer and what went to the bank, by denomination.
        CREATE TABLE drawerSplit (
            session INTEGER NOT NULL REFERENCES drawerSession(id),
            part TEXT NOT NULL CHECK (part IN ('keep', 'deposit')),
            denomination TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (session, part, denomination)
        ) STRICT, WITHOUT ROWID;

        ALTER TABLE payment ADD COLUMN drawerSession INTEGER REFERENCES drawerSession(id);
        ALTER TABLE payment ADD COLUMN drawerAfterEvent INTEGER;
        CREATE INDEX paymentByDrawer ON payment(drawerSession) WHERE drawerSession IS NOT NULL;

        -- A payment can join only a session that is open, whatever program writes it.
        CREATE TRIGGER paymentDrawerMustBeOpen BEFORE INSERT ON payment
        WHEN NEW.drawerSession IS NOT NULL AND (SELECT state FROM drawerSession WHERE id = NEW.drawerSession) <> 'open'
        BEGIN SELECT RAISE(ABORT, 'payments go only to an open drawer session'); END;
        CREATE TRIGGER drawerSessionClosedNoUpdate BEFORE UPDATE ON drawerSession WHEN OLD.state = 'closed'
        BEGIN SELECT RAISE(ABORT, 'closed drawer sessions are immutable'); END;
        CREATE TRIGGER drawerSessionNoDelete BEFORE DELETE ON drawerSession
        BEGIN SELECT RAISE(ABORT, 'drawer sessions are never deleted'); END;
        CREATE TRIGGER drawerSessionNoReopen BEFORE UPDATE OF state ON drawerSession
        WHEN (OLD.state = 'ended' AND NEW.state = 'open')
        BEGIN SELECT RAISE(ABORT, 'a counted drawer session is never reopened'); END;
        """
        + ["drawerEvent", "drawerCount", "drawerSplit"].map { table in
            """

            CREATE TRIGGER \(table)ClosedNoInsert BEFORE INSERT ON \(table)
            WHEN (SELECT state FROM drawerSession WHERE id = NEW.session) = 'closed'
            BEGIN SELECT RAISE(ABORT, 'closed drawer sessions are immutable'); END;
            """
        }.joined() + appendOnly(["drawerEvent", "drawerCount", "drawerSplit"])

    /// Triggers that refuse every UPDATE and DELETE on a table.
    static func appendOnly(_ tables: [String]) -> String {
        tables.map { table in
            """

            CREATE TRIGGER \(table)NoUpdate BEFORE UPDATE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
            CREATE TRIGGER \(table)NoDelete BEFORE DELETE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
            """
        }.joined()
    }
}
