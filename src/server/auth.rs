//! Bearer tokens with two roles, and the audit log of mutating requests.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::App;
use super::config::{Role, ServeConfig};

/// A configured token, kept only as its SHA-256.
pub(crate) struct Token {
    digest: [u8; 32],
    name: String,
    role: Role,
}

/// Who made a request, put in the request's extensions by [`require_token`].
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The token's name.
    pub(crate) name: String,
    /// Its role.
    pub(crate) role: Role,
}

/// Reads each token from its environment variable.
pub(crate) fn tokens(config: &ServeConfig) -> Result<Vec<Token>> {
    config
        .tokens
        .iter()
        .map(|t| {
            let value = std::env::var(&t.token_env).ok().filter(|v| !v.is_empty());
            let value = value.with_context(|| {
                format!(
                    "token {:?}: environment variable {} is not set",
                    t.name, t.token_env
                )
            })?;
            anyhow::ensure!(
                value.len() >= 16,
                "token {:?}: {} holds fewer than 16 characters",
                t.name,
                t.token_env
            );
            Ok(Token {
                digest: Sha256::digest(value.as_bytes()).into(),
                name: t.name.clone(),
                role: t.role,
            })
        })
        .collect()
}

/// The caller a bearer token belongs to; comparisons take the same time whatever matches.
pub(crate) fn caller(app: &App, presented: &str) -> Option<Caller> {
    let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    let mut found = None;
    for t in &app.tokens {
        if constant_time_eq(&t.digest, &digest) {
            found = Some(Caller {
                name: t.name.clone(),
                role: t.role,
            });
        }
    }
    found
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware for `/api/v1`: a known bearer token, or 401.
pub(crate) async fn require_token(
    State(app): State<Arc<App>>,
    mut req: Request,
    next: Next,
) -> Response {
    let presented = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match presented.and_then(|t| caller(&app, t.trim())) {
        Some(c) => {
            if let Some(slot) = req.extensions().get::<CallerSlot>() {
                slot.set(&c);
            }
            req.extensions_mut().insert(c);
            next.run(req).await
        }
        None => (
            StatusCode::UNAUTHORIZED,
            [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
            axum::Json(serde_json::json!({"error": "a valid bearer token is required"})),
        )
            .into_response(),
    }
}

/// Outermost middleware: request metrics, a tracing line, and an audit record for every
/// mutating request (whoever it was, whatever the answer).
pub(crate) async fn observe(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let remote = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let route = route_label(&path);
    // The actor is known only after `require_token` ran: it leaves the caller in the
    // response's extensions through this shared slot.
    let slot: Arc<Mutex<Option<Caller>>> = Arc::default();
    let mut req = req;
    req.extensions_mut().insert(CallerSlot(slot.clone()));
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let elapsed = started.elapsed();
    app.metrics
        .http_request(method.as_str(), route, status, elapsed);
    tracing::info!(
        method = %method,
        path = %path,
        status,
        elapsed_ms = elapsed.as_millis() as u64,
        "request"
    );
    if method != Method::GET && method != Method::HEAD && method != Method::OPTIONS {
        let actor = slot
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .map(|c| c.name)
            .unwrap_or_else(|| {
                if route == "/runtask" {
                    "hcp-run-task".into()
                } else {
                    "anonymous".into()
                }
            });
        app.audit.record(serde_json::json!({
            "time_ms": super::now_ms(),
            "actor": actor,
            "method": method.as_str(),
            "path": path,
            "status": status,
            "remote": remote,
        }));
    }
    resp
}

/// Lets the handlers tell [`observe`] who the caller was.
#[derive(Clone)]
pub(crate) struct CallerSlot(Arc<Mutex<Option<Caller>>>);

impl CallerSlot {
    /// Records the caller for the audit log.
    pub(crate) fn set(&self, c: &Caller) {
        if let Ok(mut s) = self.0.lock() {
            *s = Some(c.clone());
        }
    }
}

/// Route templates for metrics labels (no IDs: bounded cardinality).
fn route_label(path: &str) -> &'static str {
    const ROUTES: &[&str] = &[
        "/api/v1/workspaces",
        "/api/v1/scans",
        "/api/v1/drift",
        "/api/v1/resources",
        "/api/v1/remediate",
        "/api/v1/security",
        "/api/v1/compliance",
        "/api/v1/costs",
        "/api/v1/events",
        "/runtask",
        "/metrics",
        "/healthz",
    ];
    if path == "/" {
        return "/";
    }
    if path.starts_with("/api/v1/scans/") {
        return "/api/v1/scans/{id}";
    }
    ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other")
}

/// Append-only JSON-lines audit log.
pub(crate) struct Audit {
    file: Option<Mutex<std::fs::File>>,
}

impl Audit {
    /// Opens (creates) the log for appending.
    pub(crate) fn open(path: Option<&Path>) -> Result<Audit> {
        let file = match path {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .with_context(|| format!("cannot open the audit log {}", p.display()))?,
            )),
            None => None,
        };
        Ok(Audit { file })
    }

    /// Appends one record; a failing disk is logged, not fatal to the request.
    pub(crate) fn record(&self, entry: serde_json::Value) {
        let Some(f) = &self.file else { return };
        let mut line = entry.to_string();
        line.push('\n');
        match f.lock() {
            Ok(mut f) => {
                if let Err(e) = f.write_all(line.as_bytes()) {
                    tracing::error!(error = %e, "cannot write the audit log");
                }
            }
            Err(_) => tracing::error!("audit log lock poisoned"),
        }
    }
}

/// Answer for a caller whose role does not allow the action.
pub(crate) fn forbidden(what: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::Json(
            serde_json::json!({"error": format!("{what} needs a token with the remediate role")}),
        ),
    )
        .into_response()
}
