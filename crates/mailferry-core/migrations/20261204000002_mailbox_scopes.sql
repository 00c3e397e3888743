-- A connection limited to the members of one mail-enabled group through Exchange Online's RBAC
-- for Applications: the group as the admin gave it (object id or mail address) and its name as
-- the last check read it. NULL: the mailbox permissions are granted tenant-wide.
ALTER TABLE connections ADD COLUMN scope_group TEXT;
ALTER TABLE connections ADD COLUMN scope_group_name TEXT;
ALTER TABLE registrations ADD COLUMN scope_group TEXT;
