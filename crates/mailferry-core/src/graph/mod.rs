//! A typed Microsoft Graph v1.0 client: single requests, `$batch`, paging, with the retries
//! and cancellation of [`crate::http::Http`]. Graph error bodies become explained errors.

mod applications;
pub(crate) mod batch;
pub mod directory;
mod failure;
pub mod mailbox_api;
mod service_principals;

use serde_json::Value;

pub use applications::{password_credentials_request, Application, KeyCredential, PasswordCredential};
pub use batch::{BatchRequest, BatchResponse};
pub use failure::{graph_failure, GraphErrorBody};
pub use service_principals::{grant_request, role_ids_by_value, AppRole};

use crate::http::{CancellationToken, Http, Repeat};
use crate::{Error, Result};

/// At most this many requests go in one `$batch` (Microsoft's limit).
pub const MAX_BATCH: usize = 20;

/// At most this many pages of one collection: 9,990,000 users at 999 a page. Beyond, a
/// server that keeps sending next links is not Graph.
pub const MAX_PAGES: usize = 10_000;

pub struct GraphClient<'a> {
    http: &'a Http,
    /// `{graph}/v1.0`
    base: String,
    /// An app-only or a delegated access token.
    bearer: &'a str,
}

/// A Graph answer whose status the caller judges (404 while Entra replicates is not an error).
#[derive(Debug, Clone)]
pub struct GraphResponse {
    pub status: u16,
    pub body: Value,
    pub request: String,
    request_id: Option<String>,
}

impl GraphResponse {
    /// One answer of a `$batch`, as if it came on its own.
    pub fn from_batch(answer: &BatchResponse) -> GraphResponse {
        let request_id = answer.header("request-id").map(str::to_owned);
        GraphResponse { status: answer.status, body: answer.body.clone(), request: answer.request.clone(), request_id }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Graph's error of a refused answer (top-level code, `details`, inner error).
    pub fn error(&self) -> GraphErrorBody {
        GraphErrorBody::parse(&self.body)
    }

    /// Microsoft's codes and ids of a refused answer, for a check result or an error.
    pub fn detail(&self) -> crate::microsoft_errors::MicrosoftDetail {
        failure::graph_detail(self.status, &self.body, self.request_id.clone(), &self.request)
    }

    /// The answer as a result: a refusal becomes an explained error about `what`.
    pub fn into_result(self, what: &str) -> Result<Value> {
        if self.is_success() {
            Ok(self.body)
        } else {
            Err(graph_failure(self.status, &self.body, self.request_id, &self.request, what))
        }
    }
}

impl<'a> GraphClient<'a> {
    pub fn new(http: &'a Http, graph_url: &str, bearer: &'a str) -> Self {
        GraphClient { http, base: format!("{}/v1.0", graph_url.trim_end_matches('/')), bearer }
    }

    /// Any method, with an optional JSON body; the status is the caller's to judge.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        let url = format!("{}{path}", self.base);
        let response =
            self.http.send_with(what, repeat_of(&method), || self.request(&method, &url, body), cancel).await?;
        graph_response(method, &url, response).await
    }

    /// A request with the bearer token and, when given, a JSON body.
    fn request(&self, method: &reqwest::Method, url: &str, body: Option<&Value>) -> reqwest::RequestBuilder {
        let request = self.http.client().request(method.clone(), url).bearer_auth(self.bearer);
        match body {
            Some(body) => request.json(body),
            None => request,
        }
    }

    /// `GET {graph}/v1.0{path}` read as `T`: a refusal is an explained error, an answer of
    /// another shape an unexpected one naming the request.
    pub async fn read<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<T> {
        let answer = self.send(reqwest::Method::GET, path, None, what, cancel).await?;
        let request = answer.request.clone();
        serde_json::from_value(answer.into_result(what)?)
            .map_err(|e| Error::UnexpectedResponse { what: request, detail: e.to_string() })
    }

    /// The `value` of a collection (one page), read as `T`s.
    pub async fn read_collection<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<T>> {
        #[derive(serde::Deserialize)]
        struct Page<T> {
            value: Vec<T>,
        }
        Ok(self.read::<Page<T>>(path, what, cancel).await?.value)
    }

    /// `GET {graph}/v1.0{path}`; `what` says what it is for ("read the organization").
    pub async fn get(&self, path: &str, what: &str, cancel: &CancellationToken) -> Result<Value> {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        self.get_url(&url, what, cancel).await
    }

    async fn get_url(&self, url: &str, what: &str, cancel: &CancellationToken) -> Result<Value> {
        let response = self.http.send(what, || self.http.client().get(url).bearer_auth(self.bearer), cancel).await?;
        let status = response.status().as_u16();
        let request_id = header(&response, "request-id");
        let text = response.text().await.map_err(|e| unreadable(url, e.to_string()))?;
        read_answer(status, &text, request_id, url, what)
    }

    /// Every page of a collection, handed to `on_page` as it arrives (so a caller can show
    /// progress and keep memory flat), following `@odata.nextLink` to the end.
    pub async fn pages(
        &self,
        path: &str,
        what: &str,
        cancel: &CancellationToken,
        mut on_page: impl FnMut(Vec<Value>) -> Result<()>,
    ) -> Result<usize> {
        let mut next = Some(format!("{}{path}", self.base));
        let mut requests = 0;
        let mut seen = std::collections::HashSet::new();
        while let Some(url) = next.take() {
            if requests >= MAX_PAGES {
                return Err(unreadable(&url, format!("more than {MAX_PAGES} pages; the next page links do not end")));
            }
            let page = self.get_url(&url, what, cancel).await?;
            requests += 1;
            seen.insert(url.clone());
            let items;
            (items, next) = read_page(page, &self.base, &url, &seen)?;
            on_page(items)?;
        }
        Ok(requests)
    }

    /// Sends up to [`MAX_BATCH`] requests in one `$batch` round trip. Requests throttled inside
    /// the batch are sent again (only those), honouring their `Retry-After`. The answers come
    /// back in the order of the requests.
    pub async fn batch(&self, requests: Vec<BatchRequest>, cancel: &CancellationToken) -> Result<Vec<BatchResponse>> {
        batch::send(self.http, &self.base, self.bearer, requests, cancel).await
    }
}

/// A POST creates or adds something: sending it again after a lost answer could make two.
fn repeat_of(method: &reqwest::Method) -> Repeat {
    if method == reqwest::Method::POST {
        Repeat::OnlyThrottled
    } else {
        Repeat::Safe
    }
}

/// An answer whose status the caller judges, with its JSON body (`null` when empty).
pub(crate) async fn graph_response(
    method: reqwest::Method,
    url: &str,
    response: reqwest::Response,
) -> Result<GraphResponse> {
    let status = response.status().as_u16();
    let request_id = header(&response, "request-id");
    let text = response.text().await.map_err(|e| unreadable(url, e.to_string()))?;
    let body = if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
    Ok(GraphResponse { status, body, request: format!("{method} {url}"), request_id })
}

/// A Graph answer read as JSON; a refusal becomes an explained error about `what`.
pub(crate) fn read_answer(status: u16, text: &str, request_id: Option<String>, url: &str, what: &str) -> Result<Value> {
    let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    if !(200..300).contains(&status) {
        return Err(graph_failure(status, &body, request_id, &format!("GET {url}"), what));
    }
    if body.is_null() {
        return Err(unreadable(url, crate::identity::excerpt(text)));
    }
    Ok(body)
}

/// One page of a collection (read from `url`): its items, and the next page's link when it
/// has one that is new (`seen` holds the pages read) and stays on Graph.
pub(crate) fn read_page(
    mut page: Value,
    base: &str,
    url: &str,
    seen: &std::collections::HashSet<String>,
) -> Result<(Vec<Value>, Option<String>)> {
    let next = match page.get("@odata.nextLink").and_then(Value::as_str) {
        Some(link) if seen.contains(link) => {
            return Err(unreadable(url, "the next page link leads back to a page already read".into()))
        }
        Some(link) => Some(next_link(base, link).map_err(|detail| unreadable(url, detail))?),
        None => None,
    };
    match page.get_mut("value").map(Value::take) {
        Some(Value::Array(items)) => Ok((items, next)),
        _ => Err(unreadable(url, "a page without a value array".into())),
    }
}

/// A next page link, if it stays where the bearer token belongs: the Graph base's scheme,
/// host and port, under its `/v1.0` or `/beta`. The token goes nowhere else.
pub(crate) fn next_link(base: &str, link: &str) -> std::result::Result<String, String> {
    let foreign =
        || format!("the next page link leads away from Microsoft Graph ({}), so Mailferry stopped", host_of(link));
    let (Ok(base), Ok(next)) = (reqwest::Url::parse(base), reqwest::Url::parse(link)) else {
        return Err(foreign());
    };
    let root = base.path().trim_end_matches('/').trim_end_matches("/v1.0");
    let same_origin = next.scheme() == base.scheme()
        && next.host_str() == base.host_str()
        && next.port_or_known_default() == base.port_or_known_default()
        && next.username().is_empty()
        && next.password().is_none();
    let under_graph = ["v1.0", "beta"].iter().any(|version| next.path().starts_with(&format!("{root}/{version}/")));
    if same_origin && under_graph {
        Ok(next.to_string())
    } else {
        Err(foreign())
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn unreadable(url: &str, detail: String) -> Error {
    Error::UnexpectedResponse { what: format!("GET {url}"), detail }
}

/// The first item of a collection answer, when it reads as `T`: for answers a check reads
/// leniently, inside a `$batch`.
pub fn first_item<T: serde::de::DeserializeOwned>(body: &Value) -> Option<T> {
    serde_json::from_value(body.get("value")?.get(0)?.clone()).ok()
}

/// Percent-encodes one path segment (a user principal name may hold `#`, `'` or `%`).
pub fn path_segment(value: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'@').remove(b'.').remove(b'-').remove(b'_');
    percent_encoding::utf8_percent_encode(value, KEEP).to_string()
}

/// A string inside an OData single-quoted literal.
pub fn odata_string(value: &str) -> String {
    value.replace('\'', "''")
}

/// The scheme and host of a URL, for messages (never its path or query).
fn host_of(link: &str) -> String {
    reqwest::Url::parse(link)
        .ok()
        .map(|u| format!("{}://{}", u.scheme(), u.host_str().unwrap_or_default()))
        .unwrap_or_else(|| "not a URL".into())
}
