-- Defined connections. Only non-secret fields: secrets live in the OS keychain under
-- connection/<id>/client-secret or connection/<id>/certificate-key.
CREATE TABLE connections (
    id                  TEXT PRIMARY KEY NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('source', 'target')),
    name                TEXT NOT NULL CHECK (length(name) > 0),
    cloud               TEXT NOT NULL CHECK (cloud IN ('global', 'gcc-high', 'dod', 'china', 'custom')),
    cloud_login_url     TEXT,
    cloud_graph_url     TEXT,
    tenant_id           TEXT NOT NULL,
    tenant_name         TEXT,
    default_domain      TEXT,
    client_id           TEXT NOT NULL,
    application_mailbox TEXT NOT NULL,
    registration        TEXT NOT NULL CHECK (registration IN ('manual', 'automatic')),
    credential_kind     TEXT NOT NULL CHECK (credential_kind IN ('secret', 'certificate')),
    secret_hint         TEXT,
    secret_expires_at   TEXT,
    cert_sha1           TEXT,
    cert_sha256         TEXT,
    cert_subject        TEXT,
    cert_not_after      TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    last_check_at       TEXT,
    last_check_outcome  TEXT CHECK (last_check_outcome IN ('passed', 'warnings', 'failed')),
    CHECK ((credential_kind = 'secret') = (secret_hint IS NOT NULL)),
    CHECK ((credential_kind = 'certificate') = (cert_sha1 IS NOT NULL)),
    CHECK ((cloud = 'custom') = (cloud_login_url IS NOT NULL AND cloud_graph_url IS NOT NULL))
);

-- Two connections of one role cannot share a name: the cards and the CLI tell them apart by it.
CREATE UNIQUE INDEX connections_role_name ON connections (role, name COLLATE NOCASE);
