extension Schema {
    /// Imported processor settlements/payouts and bank statement lines (FORMATS.md §4–§6.1).
    ///
    /// Every imported file is kept by the SHA-256 of its bytes, so the same file is never imported twice; every line
    /// is kept by its own id — (processor, entry id) for settlements, (account, bank id) for bank lines — so a line
    /// that comes again in another file (an overlapping download, a prior-day report after an intraday one) is stored
    /// once, with the file it first came from. All three tables are append-only: an import is never edited or undone,
    /// and matching (next) only adds rows of its own that point at these.
    static let settlements =
        """
        CREATE TABLE importFile (
            digest TEXT PRIMARY KEY CHECK (length(digest) = 64 AND digest NOT GLOB '*[^0-9a-f]*'),
            kind TEXT NOT NULL CHECK (kind IN ('settlement', 'bank')),
            format TEXT NOT NULL,
            name TEXT NOT NULL,
            lineCount INTEGER NOT NULL CHECK (lineCount >= 0),
            added INTEGER NOT NULL CHECK (added >= 0),
            alreadyImported INTEGER NOT NULL CHECK (alreadyImported >= 0),
            importedBy TEXT NOT NULL REFERENCES employee(id),
            importedAt INTEGER NOT NULL,
            CHECK (added + alreadyImported = lineCount)
        ) STRICT;

        CREATE TABLE settlementLine (
            processor TEXT NOT NULL,
            id TEXT NOT NULL,
            file TEXT NOT NULL REFERENCES importFile(digest),
            sourceLine INTEGER NOT NULL CHECK (sourceLine > 0),
            type TEXT NOT NULL CHECK (type IN ('charge', 'refund', 'chargeback', 'fee', 'adjustment', 'payout')),
            category TEXT NOT NULL,
            payoutId TEXT,
            batchReference TEXT,
            traceId TEXT,
            date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            availableOn TEXT CHECK (availableOn GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            payoutDate TEXT CHECK (payoutDate GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            gross INTEGER NOT NULL,
            fee INTEGER NOT NULL,
            net INTEGER NOT NULL,
            cardBrand TEXT,
            cardLast4 TEXT CHECK (cardLast4 IS NULL OR (length(cardLast4) = 4 AND cardLast4 NOT GLOB '*[^0-9]*')),
            sourceId TEXT,
            paymentReference TEXT,
            description TEXT NOT NULL,
            -- Fees are explicit: every line adds up on its own, to the cent.
            CHECK (gross - fee = net),
            CHECK (type <> 'charge' OR gross > 0),
            PRIMARY KEY (processor, id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX settlementLineByPayout ON settlementLine(processor, payoutId) WHERE payoutId IS NOT NULL;
        CREATE INDEX settlementLineByDate ON settlementLine(date);
        CREATE INDEX settlementLineBySource ON settlementLine(sourceId) WHERE sourceId IS NOT NULL;
        CREATE INDEX settlementLineByFile ON settlementLine(file);

        CREATE TABLE bankLine (
            account TEXT NOT NULL,
            id TEXT NOT NULL,
            file TEXT NOT NULL REFERENCES importFile(digest),
            sourceLine INTEGER NOT NULL CHECK (sourceLine > 0),
            idDerived INTEGER NOT NULL CHECK (idDerived IN (0, 1)),
            date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            valueDate TEXT CHECK (valueDate GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            type TEXT NOT NULL,
            reference TEXT,
            checkNumber TEXT,
            description TEXT NOT NULL,
            PRIMARY KEY (account, id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX bankLineByDate ON bankLine(date, amount);
        CREATE INDEX bankLineByFile ON bankLine(file);
        """
        + appendOnly(["importFile", "settlementLine", "bankLine"])
}
