-- Whether new client secrets were blocked when Mailferry last learnt it: for a whole tenant
-- from its default app management policy (`tenant:` and a tenant GUID or domain, as a
-- connection names its tenant), or for one application from Graph's answer to addPassword
-- (`app:` and its application (client) id), which wins: a policy assigned to an application
-- replaces the tenant default. Cards then offer Switch to a certificate instead of Replace secret.
CREATE TABLE credential_policies (
    scope TEXT PRIMARY KEY COLLATE NOCASE,
    secrets_blocked INTEGER NOT NULL,
    learnt_at TEXT NOT NULL
);
