-- Certificates Mailferry uploaded to a connection's application outside a registration or a
-- renewal (switching a client secret connection to a certificate, with the administrator's
-- token): a later renewal names the application by its object id and removes the certificate
-- by the keyId Mailferry gave it, which the application's own token may not read.
CREATE TABLE uploaded_certificates (
    connection_id TEXT NOT NULL,
    sha1_thumbprint TEXT NOT NULL,
    key_id TEXT NOT NULL,
    application_object_id TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, sha1_thumbprint)
);
