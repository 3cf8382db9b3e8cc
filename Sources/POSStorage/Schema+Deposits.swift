extension Schema {
    /// Bank deposits made from closed drawers, and card terminal batches.
    ///
    /// A deposit takes the cash of one or more closed drawer sessions (their 'deposit' splits, by denomination) and the
    /// checks counted at their close. A card batch takes the card payments of one card terminal not yet in a batch.
    /// Both are written in one transaction as 'preparing' / 'closing' with their lines, then switched to 'recorded' /
    /// 'closed'; the switch checks every total against the lines and the lines against the sessions and payments they
    /// come from, and from then on nothing of them changes or is added to. A drawer session is in at most one deposit,
    /// a check payment in at most one deposit, a card payment in at most one batch (primary keys).
    static let deposits =
        """
        CREATE TABLE deposit (
            id TEXT PRIMARY KEY,
            businessDate TEXT NOT NULL,
            sequence INTEGER NOT NULL CHECK (sequence BETWEEN 1 AND 99),
            status TEXT NOT NULL CHECK (status IN ('preparing', 'recorded')),
            preparedBy TEXT NOT NULL REFERENCES employee(id),
            terminal TEXT NOT NULL,
            preparedAt INTEGER NOT NULL,
            cashTotal INTEGER NOT NULL CHECK (cashTotal >= 0),
            checkTotal INTEGER NOT NULL CHECK (checkTotal >= 0),
            total INTEGER NOT NULL CHECK (total = cashTotal + checkTotal AND total > 0),
            note TEXT,
            UNIQUE (businessDate, sequence),
            CHECK (id = 'D-' || replace(businessDate, '-', '') || '-' || printf('%02d', sequence))
        ) STRICT;
        CREATE INDEX depositByDate ON deposit(businessDate);

        -- Which closed sessions a deposit empties: each session at most once.
        CREATE TABLE depositSession (
            session INTEGER PRIMARY KEY REFERENCES drawerSession(id),
            deposit TEXT NOT NULL REFERENCES deposit(id)
        ) STRICT;
        CREATE INDEX depositSessionByDeposit ON depositSession(deposit);

        -- Cash by denomination, with its value as it was when the deposit was made up.
        CREATE TABLE depositCash (
            deposit TEXT NOT NULL REFERENCES deposit(id),
            denomination TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            amount INTEGER NOT NULL CHECK (amount > 0),
            PRIMARY KEY (deposit, denomination)
        ) STRICT, WITHOUT ROWID;

        -- Checks deposited: each check payment at most once.
        CREATE TABLE depositCheck (
            payment INTEGER PRIMARY KEY REFERENCES payment(number),
            deposit TEXT NOT NULL REFERENCES deposit(id),
            amount INTEGER NOT NULL CHECK (amount > 0)
        ) STRICT;
        CREATE INDEX depositCheckByDeposit ON depositCheck(deposit);

        -- A deposit is written as 'preparing' with its lines, then recorded, so the recording can check them.
        CREATE TRIGGER depositInsertPreparing BEFORE INSERT ON deposit WHEN NEW.status <> 'preparing'
        BEGIN SELECT RAISE(ABORT, 'a deposit is recorded only after its lines are written'); END;
        CREATE TRIGGER depositRecordedNoUpdate BEFORE UPDATE ON deposit WHEN OLD.status = 'recorded'
        BEGIN SELECT RAISE(ABORT, 'recorded deposits are immutable'); END;
        CREATE TRIGGER depositNoDelete BEFORE DELETE ON deposit
        BEGIN SELECT RAISE(ABORT, 'deposits are never deleted'); END;
        CREATE TRIGGER depositRecordedOnly BEFORE UPDATE ON deposit
        WHEN OLD.status = 'preparing' AND (NEW.status <> 'recorded' OR NEW.id IS NOT OLD.id
            OR NEW.businessDate IS NOT OLD.businessDate OR NEW.sequence IS NOT OLD.sequence
            OR NEW.preparedBy IS NOT OLD.preparedBy OR NEW.terminal IS NOT OLD.terminal
            OR NEW.preparedAt IS NOT OLD.preparedAt OR NEW.cashTotal IS NOT OLD.cashTotal
            OR NEW.checkTotal IS NOT OLD.checkTotal OR NEW.total IS NOT OLD.total OR NEW.note IS NOT OLD.note)
        BEGIN SELECT RAISE(ABORT, 'a deposit being prepared can only be recorded'); END;
        -- Recording checks the deposit against its lines, and the lines against the sessions they empty.
        CREATE TRIGGER depositRecordTotals BEFORE UPDATE OF status ON deposit WHEN NEW.status = 'recorded'
        BEGIN
            SELECT RAISE(ABORT, 'a deposit empties at least one closed drawer session')
            WHERE NOT EXISTS (SELECT 1 FROM depositSession WHERE deposit = NEW.id);
            SELECT RAISE(ABORT, 'deposit totals do not match its lines')
            WHERE NEW.cashTotal IS NOT (SELECT COALESCE(SUM(amount), 0) FROM depositCash WHERE deposit = NEW.id)
               OR NEW.checkTotal IS NOT (SELECT COALESCE(SUM(amount), 0) FROM depositCheck WHERE deposit = NEW.id);
            SELECT RAISE(ABORT, 'deposit cash does not match the deposit splits of its drawer sessions')
            WHERE EXISTS (
                SELECT denomination, SUM(quantity) FROM drawerSplit
                WHERE part = 'deposit' AND session IN (SELECT session FROM depositSession WHERE deposit = NEW.id)
                GROUP BY denomination
                EXCEPT SELECT denomination, quantity FROM depositCash WHERE deposit = NEW.id
            ) OR EXISTS (
                SELECT denomination, quantity FROM depositCash WHERE deposit = NEW.id
                EXCEPT
                SELECT denomination, SUM(quantity) FROM drawerSplit
                WHERE part = 'deposit' AND session IN (SELECT session FROM depositSession WHERE deposit = NEW.id)
                GROUP BY denomination
            );
        END;

        CREATE TRIGGER depositSessionMustBeClosed BEFORE INSERT ON depositSession
        WHEN (SELECT state FROM drawerSession WHERE id = NEW.session) IS NOT 'closed'
        BEGIN SELECT RAISE(ABORT, 'only closed drawer sessions are deposited'); END;
        -- A check is deposited only from a session of its deposit, counted at that session's close, and not voided.
        CREATE TRIGGER depositCheckFromItsSessions BEFORE INSERT ON depositCheck
        WHEN NOT EXISTS (
            SELECT 1 FROM payment p
            JOIN depositSession s ON s.session = p.drawerSession AND s.deposit = NEW.deposit
            JOIN drawerSession d ON d.id = p.drawerSession
            WHERE p.number = NEW.payment AND p.tender = 'check' AND p.kind = 'payment' AND p.amount = NEW.amount
              AND EXISTS (SELECT 1 FROM json_each(d.checksCounted) c WHERE c.value = p.checkNumber)
              AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.reverses = p.number AND r.kind = 'reversal')
        )
        BEGIN SELECT RAISE(ABORT, 'a deposited check must be a check payment counted at the close of a session of its deposit'); END;

        CREATE TABLE cardBatch (
            id TEXT PRIMARY KEY,
            terminal TEXT NOT NULL,
            businessDate TEXT NOT NULL,
            sequence INTEGER NOT NULL CHECK (sequence BETWEEN 1 AND 99),
            status TEXT NOT NULL CHECK (status IN ('closing', 'closed')),
            closedBy TEXT NOT NULL REFERENCES employee(id),
            station TEXT NOT NULL,
            closedAt INTEGER NOT NULL,
            reference TEXT,
            reportedNet INTEGER,
            paymentCount INTEGER NOT NULL CHECK (paymentCount > 0),
            sales INTEGER NOT NULL CHECK (sales >= 0),
            refunds INTEGER NOT NULL CHECK (refunds <= 0),
            net INTEGER NOT NULL CHECK (net = sales + refunds),
            UNIQUE (terminal, businessDate, sequence),
            CHECK (id = terminal || '-' || replace(businessDate, '-', '') || '-' || printf('%02d', sequence))
        ) STRICT;
        CREATE INDEX cardBatchByDate ON cardBatch(businessDate);

        -- Totals by tender and card brand, as closed.
        CREATE TABLE cardBatchBrand (
            batch TEXT NOT NULL REFERENCES cardBatch(id),
            tender TEXT NOT NULL CHECK (tender IN ('credit', 'debit', 'careCredit')),
            brand TEXT NOT NULL,
            paymentCount INTEGER NOT NULL CHECK (paymentCount > 0),
            sales INTEGER NOT NULL CHECK (sales >= 0),
            refunds INTEGER NOT NULL CHECK (refunds <= 0),
            PRIMARY KEY (batch, tender, brand)
        ) STRICT, WITHOUT ROWID;

        -- The payments of a batch: each card payment, refund or reversal in exactly one batch once closed.
        CREATE TABLE cardBatchPayment (
            payment INTEGER PRIMARY KEY REFERENCES payment(number),
            batch TEXT NOT NULL REFERENCES cardBatch(id)
        ) STRICT;
        CREATE INDEX cardBatchPaymentByBatch ON cardBatchPayment(batch);

        CREATE TRIGGER cardBatchInsertClosing BEFORE INSERT ON cardBatch WHEN NEW.status <> 'closing'
        BEGIN SELECT RAISE(ABORT, 'a card batch is closed only after its payments are written'); END;
        CREATE TRIGGER cardBatchClosedNoUpdate BEFORE UPDATE ON cardBatch WHEN OLD.status = 'closed'
        BEGIN SELECT RAISE(ABORT, 'closed card batches are immutable'); END;
        CREATE TRIGGER cardBatchNoDelete BEFORE DELETE ON cardBatch
        BEGIN SELECT RAISE(ABORT, 'card batches are never deleted'); END;
        CREATE TRIGGER cardBatchClosedOnly BEFORE UPDATE ON cardBatch
        WHEN OLD.status = 'closing' AND (NEW.status <> 'closed' OR NEW.id IS NOT OLD.id
            OR NEW.terminal IS NOT OLD.terminal OR NEW.businessDate IS NOT OLD.businessDate
            OR NEW.sequence IS NOT OLD.sequence OR NEW.closedBy IS NOT OLD.closedBy OR NEW.station IS NOT OLD.station
            OR NEW.closedAt IS NOT OLD.closedAt OR NEW.reference IS NOT OLD.reference
            OR NEW.reportedNet IS NOT OLD.reportedNet OR NEW.paymentCount IS NOT OLD.paymentCount
            OR NEW.sales IS NOT OLD.sales OR NEW.refunds IS NOT OLD.refunds OR NEW.net IS NOT OLD.net)
        BEGIN SELECT RAISE(ABORT, 'a card batch being closed can only be closed'); END;
        -- Closing checks the batch and its brand totals against its payments.
        CREATE TRIGGER cardBatchCloseTotals BEFORE UPDATE OF status ON cardBatch WHEN NEW.status = 'closed'
        BEGIN
            SELECT RAISE(ABORT, 'card batch totals do not match its payments')
            WHERE NEW.paymentCount IS NOT (SELECT COUNT(*) FROM cardBatchPayment WHERE batch = NEW.id)
               OR NEW.sales IS NOT (
                    SELECT COALESCE(SUM(p.amount), 0) FROM cardBatchPayment b JOIN payment p ON p.number = b.payment
                    WHERE b.batch = NEW.id AND p.kind = 'payment')
               OR NEW.refunds IS NOT (
                    SELECT COALESCE(SUM(p.amount), 0) FROM cardBatchPayment b JOIN payment p ON p.number = b.payment
                    WHERE b.batch = NEW.id AND p.kind <> 'payment');
            SELECT RAISE(ABORT, 'card batch brand totals do not match its payments')
            WHERE EXISTS (
                SELECT p.tender, COALESCE(p.cardBrand, 'other'), COUNT(*),
                    SUM(CASE WHEN p.kind = 'payment' THEN p.amount ELSE 0 END),
                    SUM(CASE WHEN p.kind = 'payment' THEN 0 ELSE p.amount END)
                FROM cardBatchPayment b JOIN payment p ON p.number = b.payment WHERE b.batch = NEW.id
                GROUP BY p.tender, COALESCE(p.cardBrand, 'other')
                EXCEPT SELECT tender, brand, paymentCount, sales, refunds FROM cardBatchBrand WHERE batch = NEW.id
            ) OR EXISTS (
                SELECT tender, brand, paymentCount, sales, refunds FROM cardBatchBrand WHERE batch = NEW.id
                EXCEPT
                SELECT p.tender, COALESCE(p.cardBrand, 'other'), COUNT(*),
                    SUM(CASE WHEN p.kind = 'payment' THEN p.amount ELSE 0 END),
                    SUM(CASE WHEN p.kind = 'payment' THEN 0 ELSE p.amount END)
                FROM cardBatchPayment b JOIN payment p ON p.number = b.payment WHERE b.batch = NEW.id
                GROUP BY p.tender, COALESCE(p.cardBrand, 'other')
            );
        END;
        -- Only card payments of the batch's own terminal join it.
        CREATE TRIGGER cardBatchPaymentSameTerminal BEFORE INSERT ON cardBatchPayment
        WHEN NOT EXISTS (
            SELECT 1 FROM payment p JOIN cardBatch b ON b.id = NEW.batch
            WHERE p.number = NEW.payment AND p.tender IN ('credit', 'debit', 'careCredit')
              AND p.cardTerminal = b.terminal
        )
        BEGIN SELECT RAISE(ABORT, 'a card batch holds only card payments of its own terminal'); END;
        """
        + ["depositSession", "depositCash", "depositCheck"].map { table in
            """

            CREATE TRIGGER \(table)RecordedNoInsert BEFORE INSERT ON \(table)
            WHEN (SELECT status FROM deposit WHERE id = NEW.deposit) = 'recorded'
            BEGIN SELECT RAISE(ABORT, 'recorded deposits are immutable'); END;
            """
        }.joined()
        + ["cardBatchBrand", "cardBatchPayment"].map { table in
            """

            CREATE TRIGGER \(table)ClosedNoInsert BEFORE INSERT ON \(table)
            WHEN (SELECT status FROM cardBatch WHERE id = NEW.batch) = 'closed'
            BEGIN SELECT RAISE(ABORT, 'closed card batches are immutable'); END;
            """
        }.joined()
        + appendOnly(["depositSession", "depositCash", "depositCheck", "cardBatchBrand", "cardBatchPayment"])
}
