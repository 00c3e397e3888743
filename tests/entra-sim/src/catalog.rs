//! Microsoft's own well-known identifiers: resource apps, their app roles, directory roles.

/// Microsoft Graph's application id.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// Office 365 Exchange Online's application id.
pub const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
/// Microsoft Graph Command Line Tools: the public client admins sign in with by default.
pub const SIGN_IN_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// The audience of addKey/removeKey proof tokens (the AAD Graph resource id).
pub const PROOF_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";

/// Microsoft Graph application permissions (app roles): value and id, as Microsoft publishes them.
pub const GRAPH_APP_ROLES: &[(&str, &str)] = &[
    ("User.Read.All", "df021288-bdef-4463-88db-98f22de89214"),
    ("Organization.Read.All", "498476ce-e0fe-48b0-b801-37ba7e2685c6"),
    ("Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01"),
    ("Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9"),
    ("MailboxSettings.Read", "40f97065-369a-49f4-947c-6a255697ae91"),
    ("MailboxSettings.ReadWrite", "6931bccd-447a-43d1-b442-00a195474933"),
    ("Calendars.Read", "798ee544-9d2d-430c-a058-570e29e34338"),
    ("Calendars.ReadWrite", "ef54d2bf-783f-4e0f-bca1-3210c0444d99"),
    ("Contacts.Read", "089fe4d0-434a-44c5-8827-41ba8a0b17f5"),
    ("Contacts.ReadWrite", "6918b873-d17a-4dc1-b314-35f528134491"),
    // Microsoft Graph's mailbox import and export API.
    ("MailboxFolder.Read.All", "99280d24-a782-4793-93cc-0888549957f6"),
    ("MailboxFolder.ReadWrite.All", "fef87b92-8391-4589-9da7-eb93dab7dc8a"),
    ("MailboxItem.Read.All", "7d9f353d-a7bd-4fbb-822a-26d5dd39a3ce"),
    ("MailboxItem.Export.All", "937550e9-33a3-494b-88ae-d9cd394b1fbb"),
    ("MailboxItem.ImportExport.All", "76577085-e73d-4f1d-b26a-85fb33892327"),
    ("GroupMember.Read.All", "98830695-27a2-44f7-8c18-0c3ebc9698f6"),
    ("Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"),
    ("Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"),
    ("AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f"),
];

/// Office 365 Exchange Online's legacy EWS permission.
pub const EXCHANGE_APP_ROLES: &[(&str, &str)] = &[("full_access_as_app", "dc890d15-9560-4a4c-9b7f-a736ec74ec40")];

/// Directory roles: display name and role template id (the `wids` claim).
pub const DIRECTORY_ROLES: &[(&str, &str)] = &[
    ("Global Administrator", "62e90394-69f5-4237-9190-012177145e10"),
    ("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814"),
    ("Cloud Application Administrator", "158c047a-c907-4556-b7ef-446551a6b5f7"),
    ("Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"),
];

pub fn directory_role_id(name: &str) -> Option<&'static str> {
    DIRECTORY_ROLES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, id)| *id)
}

/// The display name of a directory role template id.
pub fn directory_role_name(id: &str) -> Option<&'static str> {
    DIRECTORY_ROLES.iter().find(|(_, i)| i.eq_ignore_ascii_case(id)).map(|(name, _)| *name)
}

/// Roles that may grant Microsoft Graph app roles to a service principal.
pub const ROLE_GRANTERS: &[&str] = &["62e90394-69f5-4237-9190-012177145e10", "e8611ab8-c189-46e8-94e1-60213ab1f814"];

/// Roles that may create and change applications.
pub const APP_WRITERS: &[&str] = &[
    "62e90394-69f5-4237-9190-012177145e10",
    "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "158c047a-c907-4556-b7ef-446551a6b5f7",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
];

/// The delegated scopes the sign-in client may be granted.
pub const DELEGATED_SCOPES: &[&str] = &[
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Directory.Read.All",
    "User.Read",
    "User.Read.All",
    "Organization.Read.All",
];
