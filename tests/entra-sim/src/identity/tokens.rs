//! The tokens the simulator issues.

use base64::Engine as _;
use chrono::Duration;

use crate::keys::{now, Claims, TOKEN_LIFETIME_SECS};
use crate::world::{new_id, RefreshGrant, Tenant, User};
use crate::Sim;

pub struct Issued {
    pub body: serde_json::Value,
}

/// An app-only token: `roles` holds what is granted to the app's service principal now,
/// minus assignments still inside the consistency window.
pub fn app_only(
    sim: &Sim,
    tenant: &Tenant,
    client_id: &str,
    sp_id: &str,
    resource: &str,
    role_window: u64,
) -> Result<Issued, String> {
    let window = (role_window > 0).then(|| Duration::seconds(role_window as i64));
    let iat = now();
    let claims = Claims {
        aud: resource.to_owned(),
        iss: format!("https://sts.windows.net/{}/", tenant.id),
        iat,
        nbf: iat,
        exp: iat + TOKEN_LIFETIME_SECS,
        tid: tenant.id.clone(),
        appid: client_id.to_owned(),
        oid: sp_id.to_owned(),
        sub: sp_id.to_owned(),
        ver: "1.0".into(),
        roles: tenant.granted_roles(sp_id, window),
        scp: None,
        wids: Vec::new(),
        upn: None,
        idtyp: "app".into(),
        uti: token_identifier(),
    };
    let token = sim.key.sign(&claims)?;
    Ok(Issued {
        body: serde_json::json!({
            "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECS, "ext_expires_in": TOKEN_LIFETIME_SECS, "access_token": token,
        }),
    })
}

/// A `uti` as Microsoft's look: 22 base64url characters.
fn token_identifier() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}

/// What a delegated token request asked of OpenID Connect beyond the scopes.
#[derive(Debug, Default)]
pub struct OpenIdRequest {
    /// The authorize request's `nonce`, for the ID token (only on the code's redemption).
    pub nonce: Option<String>,
    /// `client_info=1` in the token request.
    pub client_info: bool,
}

/// A delegated token for a signed-in user, with `scp` and `wids`; a refresh token when
/// `offline_access` was asked for and an ID token when `openid` was.
pub fn delegated(
    sim: &Sim,
    tenant: &Tenant,
    client_id: &str,
    user: &User,
    scopes: &[String],
    oidc: &OpenIdRequest,
) -> Result<(Issued, Option<(String, RefreshGrant)>), String> {
    let mut resource_scopes: Vec<&str> = scopes
        .iter()
        .filter(|s| !super::OPENID_SCOPES.contains(&s.as_str()))
        .map(|s| super::scope_name(s))
        .filter(|s| *s != ".default")
        .collect();
    if client_id == crate::catalog::SIGN_IN_CLIENT_ID {
        for consented in &tenant.consented_scopes {
            if !resource_scopes.contains(&consented.as_str()) {
                resource_scopes.push(consented);
            }
        }
    }
    let iat = now();
    let claims = Claims {
        aud: sim.base_url.clone(),
        iss: format!("https://sts.windows.net/{}/", tenant.id),
        iat,
        nbf: iat,
        exp: iat + TOKEN_LIFETIME_SECS,
        tid: tenant.id.clone(),
        appid: client_id.to_owned(),
        oid: user.id.clone(),
        sub: user.id.clone(),
        ver: "1.0".into(),
        roles: Vec::new(),
        scp: Some(resource_scopes.join(" ")),
        wids: user.role_ids.clone(),
        upn: Some(user.user_principal_name.clone()),
        idtyp: "user".into(),
        uti: token_identifier(),
    };
    let access_token = sim.key.sign(&claims)?;
    let mut body = serde_json::json!({
        "token_type": "Bearer",
        "scope": scopes.iter().filter(|s| s.as_str() != "openid" && s.as_str() != "profile").cloned().collect::<Vec<_>>().join(" "),
        "expires_in": TOKEN_LIFETIME_SECS,
        "ext_expires_in": TOKEN_LIFETIME_SECS,
        "access_token": access_token,
    });
    if scopes.iter().any(|s| s == "openid") {
        let mut id_claims = serde_json::json!({
            "aud": client_id, "iss": format!("{}/{}/v2.0", sim.base_url, tenant.id), "iat": iat, "nbf": iat,
            "exp": iat + TOKEN_LIFETIME_SECS, "tid": tenant.id, "oid": user.id, "sub": user.id,
            "name": user.display_name, "preferred_username": user.user_principal_name, "ver": "2.0",
        });
        if let Some(nonce) = &oidc.nonce {
            id_claims["nonce"] = serde_json::Value::String(nonce.clone());
        }
        body["id_token"] = serde_json::Value::String(sim.key.sign_value(&id_claims)?);
    }
    // `client_info=1` asks for the account's home ids (MSAL sends it): base64url JSON.
    if oidc.client_info {
        let info = serde_json::json!({ "uid": user.id, "utid": tenant.id }).to_string();
        body["client_info"] = serde_json::Value::String(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(info));
    }
    let refresh = scopes.iter().any(|s| s == "offline_access").then(|| {
        let token = format!("{}.{}", new_id(), new_id());
        body["refresh_token"] = serde_json::Value::String(token.clone());
        (
            token,
            RefreshGrant {
                tenant: tenant.id.clone(),
                client_id: client_id.to_owned(),
                user_id: user.id.clone(),
                scopes: scopes.to_vec(),
            },
        )
    });
    Ok((Issued { body }, refresh))
}
