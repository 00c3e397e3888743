-- Certificate renewals, as a journal: what each attempt did in Entra ID, so that an
-- interrupted one resumes where it stopped and the connection always keeps a working
-- certificate. Secrets never go here.
CREATE TABLE renewals (
    id                    TEXT PRIMARY KEY NOT NULL,
    connection_id         TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('running', 'failed', 'completed')),
    application_object_id TEXT NOT NULL,
    old_sha1              TEXT NOT NULL,
    old_key_id            TEXT,
    new_sha1              TEXT,
    new_key_id            TEXT,
    added                 INTEGER NOT NULL DEFAULT 0,
    proven                INTEGER NOT NULL DEFAULT 0,
    switched              INTEGER NOT NULL DEFAULT 0,
    old_removed           INTEGER NOT NULL DEFAULT 0,
    warning               TEXT,
    last_error            TEXT,
    started_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);

CREATE INDEX renewals_connection ON renewals (connection_id, started_at);

-- Each step, before its call ('started') and after ('done').
CREATE TABLE renewal_steps (
    renewal_id TEXT NOT NULL REFERENCES renewals (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    step       TEXT NOT NULL,
    phase      TEXT NOT NULL CHECK (phase IN ('started', 'done')),
    detail     TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL,
    PRIMARY KEY (renewal_id, seq)
);
