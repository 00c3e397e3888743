-- Automatic registrations, as a journal: what each attempt created in Entra ID, so that a
-- failed or interrupted one can be resumed or rolled back and no application is ever left
-- behind unknown to Mailferry. Secrets never go here.
CREATE TABLE registrations (
    id                    TEXT PRIMARY KEY NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('source', 'target')),
    cloud                 TEXT NOT NULL,
    cloud_login_url       TEXT,
    cloud_graph_url       TEXT,
    tenant_id             TEXT NOT NULL,
    admin                 TEXT NOT NULL,
    connection_name       TEXT NOT NULL,
    application_mailbox   TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('running', 'failed', 'completed', 'rolled_back')),
    -- An earlier Mailferry application to upload the new certificate to, instead of a new one.
    reuse_app_id          TEXT,
    certificate_sha1      TEXT,
    application_object_id TEXT,
    application_app_id    TEXT,
    service_principal_id  TEXT,
    roles_granted         INTEGER NOT NULL DEFAULT 0,
    connection_id         TEXT,
    last_error            TEXT,
    started_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);

-- Each step, before its call ('started') and after ('done', 'failed' or 'undone').
CREATE TABLE registration_steps (
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    step            TEXT NOT NULL,
    phase           TEXT NOT NULL CHECK (phase IN ('started', 'done', 'failed', 'undone')),
    detail          TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL,
    PRIMARY KEY (registration_id, seq)
);
