//! `serve`: one axum server carrying the HCP Terraform run task (`POST /runtask`), the REST API
//! (`/api/v1`), live updates (WebSocket `/api/v1/events`), the dashboard (`/`) and `/metrics`.
//!
//! Everything it knows about drift comes from [`crate::scan`], like the CLI; workspaces (module
//! directories) come from the configuration file.

mod api;
mod auth;
pub mod config;
mod events;
mod metrics;
mod runtask;
mod scans;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use axum::Router;
use axum::routing::{get, post};
use tokio::sync::broadcast;

pub use config::{Role, ServeConfig, Workspace};
use metrics::Metrics;
use scans::Scans;

/// The dashboard page: one self-contained file, served as is (no build step).
const DASHBOARD: &str = include_str!("dashboard.html");

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Options {
    /// Accept run-task requests without an HMAC key (never in production).
    pub insecure_no_hmac: bool,
}

/// Shared state of the server.
pub(crate) struct App {
    pub(crate) config: ServeConfig,
    /// HMAC key of the run task; `None` only with `--insecure-no-hmac`.
    pub(crate) hmac_key: Option<Vec<u8>>,
    /// SHA-256 of each bearer token, its name and role.
    pub(crate) tokens: Vec<auth::Token>,
    pub(crate) scans: Scans,
    pub(crate) events: broadcast::Sender<Arc<str>>,
    pub(crate) metrics: Metrics,
    pub(crate) audit: auth::Audit,
    /// Run-task results already accepted (replays are answered, not evaluated again).
    pub(crate) task_results: Mutex<Seen>,
    /// Workspaces with a remediation being applied.
    pub(crate) applying: Applying,
    /// Outbound HTTP (plan JSON, callbacks); redirects are followed by hand.
    pub(crate) http: reqwest::Client,
    /// Background work (run-task evaluations), awaited on shutdown.
    pub(crate) tasks: tokio_util_tasks::Tracker,
}

/// A tiny task tracker: counts running background jobs so shutdown can wait for them.
mod tokio_util_tasks {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::sync::Notify;

    /// Counts spawned jobs; [`Tracker::idle`] resolves when none runs.
    #[derive(Default, Clone)]
    pub struct Tracker {
        running: Arc<AtomicUsize>,
        done: Arc<Notify>,
    }

    impl Tracker {
        /// Runs `f` in the background, counted.
        pub fn spawn<F>(&self, f: F)
        where
            F: std::future::Future<Output = ()> + Send + 'static,
        {
            self.running.fetch_add(1, Ordering::SeqCst);
            let me = self.clone();
            tokio::spawn(async move {
                f.await;
                if me.running.fetch_sub(1, Ordering::SeqCst) == 1 {
                    me.done.notify_waiters();
                }
            });
        }

        /// Waits until no job runs.
        pub async fn idle(&self) {
            loop {
                let notified = self.done.notified();
                if self.running.load(Ordering::SeqCst) == 0 {
                    return;
                }
                notified.await;
            }
        }
    }
}

/// Workspaces with a remediation being applied: one at a time per workspace, so two callers
/// never write the same files or run two applies against one state at once.
#[derive(Default, Clone)]
pub(crate) struct Applying(Arc<Mutex<HashSet<String>>>);

/// Holds a workspace claimed by [`Applying::claim`] until dropped.
pub(crate) struct ApplyClaim {
    set: Arc<Mutex<HashSet<String>>>,
    workspace: String,
}

impl Applying {
    /// Claims `workspace`; `None` while another remediation is applied there.
    pub(crate) fn claim(&self, workspace: &str) -> Option<ApplyClaim> {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(workspace.to_string()).then(|| ApplyClaim {
            set: self.0.clone(),
            workspace: workspace.to_string(),
        })
    }
}

impl Drop for ApplyClaim {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.workspace);
    }
}

/// The last [`Seen::CAPACITY`] run-task result IDs: HCP retries a delivery for minutes, not
/// days, so older IDs can be forgotten and memory stays bounded.
#[derive(Default)]
pub(crate) struct Seen {
    ids: HashSet<String>,
    order: std::collections::VecDeque<String>,
}

impl Seen {
    const CAPACITY: usize = 10_000;

    /// Records `id`; false when it was already there.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() == Self::CAPACITY
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        self.ids.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }
}

impl App {
    /// Builds the shared state from the configuration and the environment (secrets).
    pub(crate) fn new(config: ServeConfig, opts: &Options) -> Result<App> {
        let hmac_key = match std::env::var(&config.run_task.hmac_key_env) {
            Ok(k) if !k.is_empty() => Some(k.into_bytes()),
            _ if opts.insecure_no_hmac => {
                tracing::warn!("run-task requests are accepted without an HMAC signature");
                None
            }
            _ => anyhow::bail!(
                "no run-task HMAC key: set {} to the key registered in HCP Terraform, or pass --insecure-no-hmac",
                config.run_task.hmac_key_env
            ),
        };
        let tokens = auth::tokens(&config)?;
        if tokens.is_empty() {
            tracing::warn!(
                "no [[tokens]] configured: /api/v1 and the dashboard refuse every request (the run task and /metrics work)"
            );
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(60))
            .user_agent(concat!("terraform-drift/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot build the HTTP client")?;
        let audit = auth::Audit::open(config.audit_log.as_deref())?;
        let (events, _) = broadcast::channel(1024);
        Ok(App {
            config,
            hmac_key,
            tokens,
            scans: Scans::default(),
            events,
            metrics: Metrics::default(),
            audit,
            task_results: Mutex::default(),
            applying: Applying::default(),
            http,
            tasks: Default::default(),
        })
    }

    /// The configured workspace called `name`.
    pub(crate) fn workspace(&self, name: &str) -> Option<&Workspace> {
        self.config.workspaces.iter().find(|w| w.name == name)
    }

    /// Sends a live update to every connected client; nobody listening is fine.
    pub(crate) fn publish(&self, event: serde_json::Value) {
        let _ = self.events.send(Arc::from(event.to_string()));
    }
}

/// The routes, without the listener (tests drive it on `127.0.0.1:0`).
pub(crate) fn router(app: Arc<App>) -> Router {
    let limit = app.config.body_limit_bytes;
    let api = Router::new()
        .route("/workspaces", get(api::workspaces))
        .route("/scans", post(api::start_scan).get(api::list_scans))
        .route("/scans/{id}", get(api::get_scan))
        .route("/drift", get(api::drift))
        .route("/resources", get(api::resources))
        .route("/remediate", post(api::remediate))
        .route("/security", get(api::security))
        .route("/compliance", get(api::compliance))
        .route("/costs", get(api::costs))
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::require_token,
        ))
        // The WebSocket authenticates in its first message: browsers cannot set headers on it.
        .route("/events", get(events::websocket));
    Router::new()
        .route("/", get(|| async { axum::response::Html(DASHBOARD) }))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics::render))
        .route("/runtask", post(runtask::receive))
        .nest("/api/v1", api)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::observe,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .with_state(app)
}

/// Serves on `listener` until `shutdown` completes (the CLI passes [`shutdown_signal`]: Ctrl-C
/// or SIGTERM), then stops accepting, lets requests and run-task evaluations finish, and
/// returns. Taking the listener and the shutdown future lets a test run the server in its own
/// runtime.
pub async fn run(
    config: ServeConfig,
    opts: Options,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let app = Arc::new(App::new(config, &opts)?);
    let addr = listener.local_addr()?;
    tracing::info!(%addr, workspaces = app.config.workspaces.len(), "serving");
    let schedules = schedule(&app);
    let tasks = app.tasks.clone();
    let limits = Limits {
        max_connections: app.config.max_connections.max(1),
        header_timeout: std::time::Duration::from_secs(app.config.header_timeout_seconds.max(1)),
    };
    serve_connections(listener, router(app), limits, shutdown).await;
    for s in schedules {
        s.abort();
    }
    tracing::info!("waiting for background work to finish");
    tasks.idle().await;
    Ok(())
}

/// Connection limits: how many at once, and how long a client may take to send headers (or
/// stay idle between requests) before its connection is closed.
#[derive(Debug, Clone, Copy)]
struct Limits {
    max_connections: usize,
    header_timeout: std::time::Duration,
}

/// Accepts connections until `shutdown`, each served by hyper with a header-read timeout (a
/// silent or trickling client is dropped, not held forever) and at most
/// `limits.max_connections` at once (more are closed on arrival, so a flood of idle sockets
/// cannot exhaust the descriptors). On shutdown, open connections finish their requests.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let open = tokio_util_tasks::Tracker::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of descriptors (EMFILE) and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(%peer, limit = limits.max_connections, "connection refused: too many open connections");
            drop(stream);
            continue;
        };
        let router = router.clone();
        let mut stop = stop_rx.clone();
        open.spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(
                move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    let mut router = router.clone();
                    async move {
                        use tower::Service;
                        router.call(req.map(axum::body::Body::new)).await
                    }
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(%peer, "connection closed: {e}");
                    }
                }
                _ = async {
                    // `wait_for` would hold the value's lock across the await.
                    while !*stop.borrow_and_update() {
                        if stop.changed().await.is_err() {
                            break;
                        }
                    }
                } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    let _ = stop_tx.send(true);
    open.idle().await;
}

/// Starts the scheduled scans (`scan_every_seconds`); a tick that finds the workspace still
/// scanning is skipped, not queued.
fn schedule(app: &Arc<App>) -> Vec<tokio::task::JoinHandle<()>> {
    app.config
        .workspaces
        .iter()
        .filter_map(|w| Some((w.clone(), w.scan_every_seconds?)))
        .map(|(ws, every)| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(every));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                loop {
                    tick.tick().await;
                    let (id, new) = scans::start(&app, &ws);
                    if new {
                        tracing::info!(workspace = %ws.name, scan = %id, "scheduled scan started");
                    }
                }
            })
        })
        .collect()
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// Query parameter naming a workspace; optional when only one is configured.
#[derive(Debug, serde::Deserialize, Default)]
pub(crate) struct WorkspaceQuery {
    pub(crate) workspace: Option<String>,
}

/// Resolves the workspace a request is about.
pub(crate) fn pick_workspace<'a>(
    app: &'a App,
    name: Option<&str>,
) -> Result<&'a Workspace, api::ApiError> {
    match name {
        Some(n) => app
            .workspace(n)
            .ok_or_else(|| api::ApiError::not_found(format!("no workspace {n:?}"))),
        None if app.config.workspaces.len() == 1 => Ok(&app.config.workspaces[0]),
        None => Err(api::ApiError::bad_request(format!(
            "name a workspace: ?workspace= one of {}",
            app.config
                .workspaces
                .iter()
                .map(|w| w.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Seconds since the epoch, for timestamps in JSON.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Runs a scan, codify or plan as a task of its own on the server's runtime: a panic in it is
/// an error for that request, not a crash, and the work runs on even if the client that asked
/// for it goes away.
pub(crate) async fn off_thread<T, F, Fut>(f: F) -> Result<T>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    tokio::spawn(async move { f().await })
        .await
        .context("background work panicked")?
}

#[cfg(test)]
mod tests {
    use super::{Applying, Seen};

    #[test]
    fn one_apply_at_a_time_per_workspace() {
        let applying = Applying::default();
        let prod = applying.claim("prod").expect("free");
        assert!(applying.claim("prod").is_none(), "held");
        let dev = applying.claim("dev").expect("another workspace is free");
        drop(prod);
        assert!(applying.claim("prod").is_some(), "released on drop");
        drop(dev);
    }

    #[test]
    fn replay_memory_is_bounded_and_forgets_the_oldest() {
        let mut seen = Seen::default();
        assert!(seen.insert("tr-0"));
        assert!(!seen.insert("tr-0"));
        for i in 1..Seen::CAPACITY {
            assert!(seen.insert(&format!("tr-{i}")));
        }
        assert!(!seen.insert("tr-0"), "still remembered at capacity");
        assert!(seen.insert("tr-new"));
        assert!(seen.insert("tr-0"), "the oldest was forgotten");
        assert!(!seen.insert("tr-new"));
        assert_eq!(seen.ids.len(), Seen::CAPACITY);
    }
}
