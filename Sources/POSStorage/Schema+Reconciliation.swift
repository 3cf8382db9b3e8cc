extension Schema {
    /// People's matching decisions (confirmed or hand-made matches, write-offs, reversals of either), each once and
    /// for good: undoing one is a new reversal row. `reconciliationItem` lists the items each decision names, so the
    /// store can refuse a second decision in force about the same item.
    static let reconciliation =
        """
        CREATE TABLE reconciliationDecision (
            number INTEGER PRIMARY KEY,
            action TEXT NOT NULL CHECK (action IN ('match', 'writeOff', 'reversal')),
            leftItems TEXT NOT NULL,
            rightItems TEXT NOT NULL,
            amount INTEGER NOT NULL,
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            reverses INTEGER UNIQUE REFERENCES reconciliationDecision(number),
            decidedBy TEXT NOT NULL REFERENCES employee(id),
            decidedAt INTEGER NOT NULL,
            CHECK ((action = 'reversal') = (reverses IS NOT NULL)),
            CHECK (action <> 'match' OR (leftItems <> '[]' AND rightItems <> '[]')),
            CHECK (action <> 'writeOff' OR (leftItems <> '[]' AND rightItems = '[]'))
        ) STRICT;

        CREATE TABLE reconciliationItem (
            item TEXT NOT NULL,
            decision INTEGER NOT NULL REFERENCES reconciliationDecision(number),
            PRIMARY KEY (item, decision)
        ) STRICT, WITHOUT ROWID;
        """
        + appendOnly(["reconciliationDecision", "reconciliationItem"])
}
