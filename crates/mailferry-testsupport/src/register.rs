//! Automatic registration as the wizard does it, against entra-sim's demo tenant: the
//! administrator signs in through the sign-in form, then Mailferry registers a source.

use std::time::Duration;

use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::signin::{registration_scopes, sign_in, AdminToken, SignIn, DEFAULT_SIGN_IN_CLIENT_ID};
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::registration::RegistrationEvent;
use mailferry_core::model::{Connection, Role};
use mailferry_core::registration::{Registrar, RegistrationConfig, RegistrationRequest};

use crate::browser::FormBrowser;

/// The demo tenant's Global Administrator signed in.
pub async fn admin_token(identity: &IdentityClient, cloud: &Cloud) -> AdminToken {
    let request = SignIn {
        cloud,
        tenant: "contoso.onmicrosoft.com",
        client_id: DEFAULT_SIGN_IN_CLIENT_ID,
        scopes: registration_scopes(cloud),
        timeout: Duration::from_secs(20),
    };
    let browser =
        FormBrowser { user: "admin@contoso.onmicrosoft.com".into(), password: "Passw0rd!".into(), accept: true };
    match sign_in(&identity.http, &request, &browser, &CancellationToken::new()).await {
        Ok(admin) => admin,
        Err(error) => panic!("the demo administrator could not sign in: {error}"),
    }
}

/// A source connection "Contoso" registered automatically, with its events.
pub async fn register_source(
    identity: &IdentityClient,
    connections: &ConnectionService,
    config: RegistrationConfig,
    cloud: &Cloud,
    on_event: &(dyn Fn(RegistrationEvent) + Send + Sync),
) -> mailferry_core::Result<Connection> {
    let admin = admin_token(identity, cloud).await;
    let registrar = Registrar::new(identity, connections, config);
    let request = RegistrationRequest {
        role: Role::Source,
        cloud: cloud.clone(),
        permission_profile: None,
        scope_group: None,
        connection_name: Some("Contoso".into()),
        application_mailbox: Some("migration@contoso.onmicrosoft.com".into()),
        reuse_app_id: None,
        trusted_key_ids: Vec::new(),
    };
    let registration = registrar.begin(&admin, request).await?;
    registrar.run(registration.id, &admin, on_event, &CancellationToken::new()).await
}
