-- Which Microsoft Graph API a connection migrates with (its permission profile): the mailbox
-- import and export API (`full-fidelity`) or messages, events and contacts item by item
-- (`item-level`). Every connection and registration made before profiles existed is item level.
ALTER TABLE connections ADD COLUMN permission_profile TEXT NOT NULL DEFAULT 'item-level';
ALTER TABLE registrations ADD COLUMN permission_profile TEXT NOT NULL DEFAULT 'item-level';
