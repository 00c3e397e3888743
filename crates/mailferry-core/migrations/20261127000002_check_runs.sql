-- Every run of the configuration checks, newest last. The report is JSON (CheckReport) and holds
-- no secret. A run may belong to a connection that is only staged in the Manage connections
-- window, so there is no foreign key; runs of connections that were never saved are removed
-- when the window is closed.
CREATE TABLE check_runs (
    id            INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('passed', 'warnings', 'failed')),
    report        TEXT NOT NULL
);

CREATE INDEX check_runs_connection ON check_runs (connection_id, id);
