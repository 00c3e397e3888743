-- Migration jobs. A draft names its source and target connections and the source mailboxes
-- chosen; a connection a job uses cannot be deleted.
CREATE TABLE jobs (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL CHECK (length(name) > 0),
    source_connection_id TEXT REFERENCES connections (id),
    target_connection_id TEXT REFERENCES connections (id),
    state                TEXT NOT NULL CHECK (state IN ('draft')),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE UNIQUE INDEX jobs_name ON jobs (name COLLATE NOCASE);

CREATE TABLE job_mailboxes (
    job_id       TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    mailbox_id   TEXT NOT NULL,
    address      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (job_id, mailbox_id)
);
