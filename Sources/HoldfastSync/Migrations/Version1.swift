extension SyncSchema {
    /// Boards, clients, sessions, every record raw, holds, alarms and gaps typed, and the sync's own bookkeeping.
    static let version1 = SyncMigration(version: 1, name: "boards, clients, sessions, records, holds, alarms, gaps", statements: [
        """
        CREATE TABLE boards (
            board text PRIMARY KEY CHECK (board ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
            first_seen timestamptz NOT NULL DEFAULT now(),
            last_seen timestamptz NOT NULL DEFAULT now()
        )
        """,
        // Pseudonyms only, by the daemon's rule: no name can be stored here.
        """
        CREATE TABLE clients (
            client text PRIMARY KEY CHECK (client ~ '^[A-Za-z0-9_-]{1,32}$'),
            first_seen timestamptz NOT NULL DEFAULT now()
        )
        """,
        // Every line of every session file, whatever its type: the raw text as written and as JSON.
        """
        CREATE TABLE records (
            board text NOT NULL REFERENCES boards,
            file text NOT NULL,
            n integer NOT NULL CHECK (n > 0),
            type text NOT NULL,
            t_s double precision,
            raw text NOT NULL,
            doc jsonb NOT NULL,
            synced_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (board, file, n)
        )
        """,
        "CREATE INDEX records_by_type ON records (type, board, file)",
        """
        CREATE TABLE sessions (
            board text NOT NULL REFERENCES boards,
            file text NOT NULL,
            client text REFERENCES clients,
            started timestamptz,
            source_kind text,
            rate_hz double precision,
            header jsonb NOT NULL,
            complete boolean NOT NULL DEFAULT false,
            summary jsonb,
            PRIMARY KEY (board, file)
        )
        """,
        // All sessions of a client across boards, in time.
        "CREATE INDEX sessions_by_client ON sessions (client, started)",
        """
        CREATE TABLE holds (
            board text NOT NULL,
            file text NOT NULL,
            n integer NOT NULL,
            hold_n integer NOT NULL CHECK (hold_n > 0),
            client text,
            started timestamptz,
            point text,
            start_s double precision NOT NULL,
            end_s double precision NOT NULL,
            hold_s double precision NOT NULL CHECK (hold_s BETWEEN 0 AND 1e9),
            mean_n double precision NOT NULL,
            peak_n double precision NOT NULL,
            mean_level double precision NOT NULL CHECK (mean_level BETWEEN 0 AND 10),
            peak_level double precision NOT NULL CHECK (peak_level BETWEEN 0 AND 10),
            target_s double precision NOT NULL CHECK (target_s BETWEEN 0 AND 1e9),
            over_s double precision NOT NULL CHECK (over_s BETWEEN 0 AND 1e9),
            regrips integer NOT NULL DEFAULT 0 CHECK (regrips >= 0),
            gaps integer,
            cut_by_gap boolean,
            open boolean,
            PRIMARY KEY (board, file, n),
            FOREIGN KEY (board, file, n) REFERENCES records ON DELETE CASCADE
        )
        """,
        // A point's course for a client, across sessions and boards.
        "CREATE INDEX holds_by_client_point ON holds (client, point, started, start_s)",
        """
        CREATE TABLE alarms (
            board text NOT NULL,
            file text NOT NULL,
            n integer NOT NULL,
            ended boolean NOT NULL,
            t_s double precision NOT NULL,
            force_n double precision,
            level double precision CHECK (level BETWEEN 0 AND 10),
            PRIMARY KEY (board, file, n),
            FOREIGN KEY (board, file, n) REFERENCES records ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE gaps (
            board text NOT NULL,
            file text NOT NULL,
            n integer NOT NULL,
            t_s double precision NOT NULL,
            missing_s double precision NOT NULL CHECK (missing_s >= 0),
            PRIMARY KEY (board, file, n),
            FOREIGN KEY (board, file, n) REFERENCES records ON DELETE CASCADE
        )
        """,
        // How far each file is stored: written in the same transaction as its records.
        """
        CREATE TABLE sync_cursors (
            board text NOT NULL REFERENCES boards,
            file text NOT NULL,
            byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
            lines integer NOT NULL CHECK (lines >= 0),
            header text,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (board, file)
        )
        """,
        // Records refused, by the database or the sync: their key and why. They stay in the board's file.
        """
        CREATE TABLE sync_refused (
            board text NOT NULL REFERENCES boards,
            file text NOT NULL,
            n integer NOT NULL,
            reason text NOT NULL,
            sqlstate text,
            refused_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (board, file, n)
        )
        """,
        // The typed rows of the record types known to this version, made from the raw
        // records as they are inserted (once per statement, not per row).
        """
        CREATE FUNCTION holdfast_typed_records() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO clients (client)
                SELECT DISTINCT doc->'source'->>'client' FROM new_records
                WHERE type = 'session' AND doc->'source'->>'client' IS NOT NULL
                ON CONFLICT DO NOTHING;
            INSERT INTO sessions (board, file, client, started, source_kind, rate_hz, header)
                SELECT board, file, doc->'source'->>'client', (doc->'source'->>'started')::timestamptz,
                       doc->'source'->>'kind', (doc->>'rate_hz')::double precision, doc
                FROM new_records WHERE type = 'session'
                ON CONFLICT DO NOTHING;
            UPDATE sessions s SET complete = true, summary = r.doc
                FROM new_records r WHERE r.type = 'summary' AND s.board = r.board AND s.file = r.file;
            INSERT INTO holds (board, file, n, hold_n, client, started, point, start_s, end_s, hold_s, mean_n, peak_n,
                               mean_level, peak_level, target_s, over_s, regrips, gaps, cut_by_gap, open)
                SELECT r.board, r.file, r.n, (r.doc->>'n')::integer, s.client, s.started, r.doc->>'point',
                       (r.doc->>'start_s')::double precision, (r.doc->>'end_s')::double precision,
                       (r.doc->>'hold_s')::double precision, (r.doc->>'mean_n')::double precision,
                       (r.doc->>'peak_n')::double precision, (r.doc->>'mean_level')::double precision,
                       (r.doc->>'peak_level')::double precision, (r.doc->>'target_s')::double precision,
                       (r.doc->>'over_s')::double precision, coalesce((r.doc->>'regrips')::integer, 0),
                       (r.doc->>'gaps')::integer, (r.doc->>'cut_by_gap')::boolean, (r.doc->>'open')::boolean
                FROM new_records r LEFT JOIN sessions s ON s.board = r.board AND s.file = r.file
                WHERE r.type = 'hold'
                ON CONFLICT DO NOTHING;
            INSERT INTO alarms (board, file, n, ended, t_s, force_n, level)
                SELECT board, file, n, type = 'alarm_end', t_s, (doc->>'force_n')::double precision,
                       (doc->>'level')::double precision
                FROM new_records WHERE type IN ('alarm', 'alarm_end')
                ON CONFLICT DO NOTHING;
            INSERT INTO gaps (board, file, n, t_s, missing_s)
                SELECT board, file, n, t_s, (doc->>'missing_s')::double precision
                FROM new_records WHERE type = 'gap'
                ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER records_typed AFTER INSERT ON records
            REFERENCING NEW TABLE AS new_records
            FOR EACH STATEMENT EXECUTE FUNCTION holdfast_typed_records()
        """,
    ])
}
