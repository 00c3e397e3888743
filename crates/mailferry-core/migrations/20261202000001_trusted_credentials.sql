-- The keyIds of credentials Mailferry did not create that the admin agreed to keep on a reused
-- application (a JSON array of strings): any other such credential stops the reuse.
ALTER TABLE registrations ADD COLUMN trusted_key_ids TEXT NOT NULL DEFAULT '[]';
