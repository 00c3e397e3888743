//! The HTML a person sees: a sign-in form with the permissions asked for, and error pages.
//! Every value is escaped.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use crate::catalog::{self, SIGN_IN_CLIENT_ID};
use crate::errors::Aadsts;
use crate::world::{Tenant, User};

const STYLE: &str = "body{font-family:Segoe UI,Arial,sans-serif;background:#f2f2f2;margin:0}main{max-width:440px;margin:48px auto;background:#fff;padding:32px;box-shadow:0 2px 6px rgba(0,0,0,.2)}h1{font-size:24px;font-weight:600}label{display:block;margin-top:12px}input[type=text],input[type=email],input[type=password]{width:100%;padding:6px;box-sizing:border-box}.error{color:#a80000}.buttons{margin-top:20px;display:flex;flex-direction:row-reverse;gap:8px}button{padding:6px 20px}ul{padding-left:20px}";

pub struct SignInForm<'a> {
    pub title: &'a str,
    pub tenant: &'a Tenant,
    pub action: &'a str,
    /// Hidden fields carried through the form (the original request's parameters).
    pub hidden: &'a [(String, String)],
    pub permissions: &'a [String],
    pub error: Option<&'a str>,
    /// A user code field, for the device code flow.
    pub ask_user_code: bool,
    pub username: &'a str,
}

pub fn sign_in(form: &SignInForm<'_>) -> Response {
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body><main><h1>{title}</h1><p>{tenant} (entra-sim)</p>",
        title = text(form.title),
        tenant = text(&form.tenant.display_name)
    );
    if let Some(error) = form.error {
        html.push_str(&format!("<p class=\"error\" role=\"alert\">{}</p>", text(error)));
    }
    html.push_str(&format!("<form method=\"post\" action=\"{}\">", attr(form.action)));
    for (name, value) in form.hidden {
        html.push_str(&format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", attr(name), attr(value)));
    }
    if form.ask_user_code {
        html.push_str("<label for=\"user_code\">Code</label><input type=\"text\" id=\"user_code\" name=\"user_code\" autocomplete=\"off\">");
    }
    // A demo tenant fills in its Global Administrator, so that trying Mailferry takes one
    // click here (Accept); the other accounts are listed below the form.
    let (username, password) = match demo_admin(form.tenant) {
        Some(admin) if form.username.is_empty() => (admin.user_principal_name.as_str(), admin.password.as_deref()),
        _ => (form.username, None),
    };
    html.push_str(&format!(
        "<label for=\"username\">Email or phone</label><input type=\"email\" id=\"username\" name=\"username\" value=\"{}\" autocomplete=\"username\"><label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" value=\"{}\" autocomplete=\"current-password\">",
        attr(username),
        attr(password.unwrap_or_default())
    ));
    if !form.permissions.is_empty() {
        html.push_str("<h2>Permissions requested</h2><ul>");
        for permission in form.permissions {
            html.push_str(&format!("<li>{}</li>", text(permission)));
        }
        html.push_str("</ul>");
    }
    if form.tenant.show_accounts {
        html.push_str(&demo_accounts(form.tenant));
    }
    // Accept comes first so that Enter in a field accepts; row-reverse shows Cancel on its left.
    html.push_str("<div class=\"buttons\"><button type=\"submit\" name=\"action\" value=\"accept\">Accept</button><button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button></div></form></main></body></html>");
    Html(html).into_response()
}

/// The account a demo tenant's sign-in form starts with: its first Global Administrator.
fn demo_admin(tenant: &Tenant) -> Option<&User> {
    let global_admin = catalog::directory_role_id("Global Administrator")?;
    tenant
        .show_accounts
        .then(|| tenant.users.iter().find(|u| u.password.is_some() && u.role_ids.iter().any(|r| r == global_admin)))
        .flatten()
}

/// A demo tenant's accounts, with their roles and passwords, to copy into the form.
fn demo_accounts(tenant: &Tenant) -> String {
    let mut html = String::from("<h2>Demo accounts</h2><ul>");
    for user in tenant.users.iter().filter(|u| u.password.is_some()) {
        let roles: Vec<&str> = user.role_ids.iter().filter_map(|id| catalog::directory_role_name(id)).collect();
        let role = if roles.is_empty() { "no admin role".to_owned() } else { roles.join(", ") };
        html.push_str(&format!(
            "<li><code>{}</code> ({}), password <code>{}</code></li>",
            text(&user.user_principal_name),
            text(&role),
            text(user.password.as_deref().unwrap_or_default())
        ));
    }
    html.push_str("</ul>");
    html
}

pub fn error_page(error: &Aadsts) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in error</title><style>{STYLE}</style></head><body><main><h1>Sorry, but we're having trouble signing you in.</h1><p class=\"error\">AADSTS{}: {}</p></main></body></html>",
        error.code,
        text(&error.text)
    );
    (error.status, Html(html)).into_response()
}

pub fn done_page(message: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Done</title><style>{STYLE}</style></head><body><main><h1>{}</h1></main></body></html>",
        text(message)
    );
    (StatusCode::OK, Html(html)).into_response()
}

/// Why an interactive sign-in ends without a code; redirected to the client as `error`.
pub struct SignInRefusal {
    pub error: &'static str,
    pub aadsts: Aadsts,
}

pub enum SignIn {
    Ok(User),
    /// Wrong user name or password: shown again on the form.
    Retry(String),
    Refused(SignInRefusal),
}

/// Checks the user's credentials and the tenant's policies, as Entra would at sign-in.
pub fn sign_in_user(
    tenant: &Tenant,
    client_id: &str,
    username: &str,
    password: &str,
    needs_admin_consent: bool,
) -> SignIn {
    let Some(user) = tenant.user(username.trim()) else {
        return SignIn::Retry("AADSTS50034: We couldn't find an account with that username.".into());
    };
    if user.password.as_deref() != Some(password) {
        return SignIn::Retry("AADSTS50126: Your account or password is incorrect.".into());
    }
    let refuse = |error: &'static str, code: u32, text: String| {
        SignIn::Refused(SignInRefusal { error, aadsts: Aadsts::new(StatusCode::BAD_REQUEST, error, code, text) })
    };
    if client_id == SIGN_IN_CLIENT_ID && tenant.sign_in_client_disabled {
        return refuse(
            "unauthorized_client",
            7000112,
            format!("Application '{SIGN_IN_CLIENT_ID}'(Microsoft Graph Command Line Tools) is disabled."),
        );
    }
    if tenant.conditional_access_block {
        return refuse(
            "access_denied",
            53003,
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
                .into(),
        );
    }
    if tenant.mfa_required {
        return refuse("interaction_required", 50076, format!(
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{client_id}'."
        ));
    }
    if needs_admin_consent && !user.role_ids.iter().any(|r| catalog::APP_WRITERS.contains(&r.as_str())) {
        return refuse("access_denied", 90094, "The grant requires admin permission.".into());
    }
    SignIn::Ok(user.clone())
}

/// Sends the browser back to the client's `redirect_uri` with these query parameters, and the
/// request's `state` when it had one.
pub fn redirect_to_client(params: &std::collections::HashMap<String, String>, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(params.get("redirect_uri").map_or("", String::as_str)) else {
        return error_page(&Aadsts::invalid_request(50011, "The redirect URI is missing or not a URL."));
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(state) = params.get("state") {
            query.append_pair("state", state);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

/// The `error_description` of a redirect: Microsoft's text with trace and correlation ids.
pub fn redirect_description(aadsts: &Aadsts) -> String {
    let id = || uuid::Uuid::new_v4().to_string();
    aadsts.description(&id(), &id(), &chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string())
}
