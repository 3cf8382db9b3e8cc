extension Schema {
    /// Wrong PINs and signed-in sessions, kept in the database so a restart forgets neither.
    ///
    /// `pinFailure`: one row per PIN check that failed (or is being checked: a row is written before the PIN is, and
    /// removed when it was right), by employee id as typed (an unknown id is counted alike) and source (the terminal
    /// and address, or `cli:USER@TERMINAL`), never the PIN. A right PIN marks the pair's earlier rows `cleared`; they
    /// stay listed for managers (`vetpos audit pins`) and are pruned after 90 days.
    ///
    /// `session`: a signed-in terminal, by the SHA-256 of its token (the token itself is never stored).
    static let sessions = """
        CREATE TABLE pinFailure (
            id INTEGER PRIMARY KEY,
            employee TEXT NOT NULL,
            source TEXT NOT NULL,
            purpose TEXT NOT NULL,
            at INTEGER NOT NULL,
            cleared INTEGER NOT NULL DEFAULT 0 CHECK (cleared IN (0, 1))
        ) STRICT;
        CREATE INDEX pinFailurePair ON pinFailure(employee, source, at) WHERE cleared = 0;
        CREATE INDEX pinFailureAt ON pinFailure(at);

        CREATE TABLE session (
            tokenHash TEXT PRIMARY KEY CHECK (length(tokenHash) = 64),
            employee TEXT NOT NULL REFERENCES employee(id),
            terminal TEXT NOT NULL,
            source TEXT NOT NULL,
            createdAt INTEGER NOT NULL,
            lastSeen INTEGER NOT NULL,
            CHECK (lastSeen >= createdAt)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX sessionByTerminal ON session(terminal, createdAt);
        CREATE INDEX sessionByEmployee ON session(employee);
        """
}
