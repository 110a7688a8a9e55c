//! `/api/v1`: JSON over the scans of the configured workspaces.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{Caller, forbidden};
use super::config::Role;
use super::scans::{self, Latest};
use super::{App, WorkspaceQuery, pick_workspace};
use crate::cloudwins;
use crate::diff::Kind;
use crate::insight;

/// An error answer: a status and a lowercase message as `{"error": …}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn bad_request(message: String) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message,
        }
    }

    pub(crate) fn not_found(message: String) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message,
        }
    }

    fn conflict(message: String) -> ApiError {
        ApiError {
            status: StatusCode::CONFLICT,
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"error": self.message}))).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// A remediation step that could not be done: 422 with the reason.
fn failed(e: anyhow::Error) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: format!("{e:#}"),
    }
}

fn latest(app: &App, workspace: &str) -> Result<Arc<Latest>, ApiError> {
    app.scans.latest(workspace).ok_or_else(|| {
        ApiError::not_found(format!(
            "workspace {workspace:?} has no finished scan yet: POST /api/v1/scans"
        ))
    })
}

/// `GET /workspaces`.
pub(crate) async fn workspaces(State(app): State<Arc<App>>) -> Json<Value> {
    let list: Vec<Value> = app
        .config
        .workspaces
        .iter()
        .map(|w| {
            let last = app.scans.latest(&w.name).map(|l| {
                json!({
                    "scan_id": l.scan_id,
                    "finished_ms": l.finished_ms,
                    "summary": l.output.report.summary,
                    "partial": l.output.report.partial,
                })
            });
            json!({
                "name": w.name,
                "live": w.live.as_deref().unwrap_or("aws"),
                "running_scan": app.scans.running(&w.name),
                "last_scan": last,
            })
        })
        .collect();
    Json(json!({ "workspaces": list }))
}

/// Body of `POST /scans`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartScan {
    workspace: Option<String>,
}

/// `POST /scans`: 202 with the scan's ID (the running one if a scan of the workspace is
/// already under way).
pub(crate) async fn start_scan(
    State(app): State<Arc<App>>,
    body: Option<Json<StartScan>>,
) -> ApiResult {
    let body = body.map(|b| b.0).unwrap_or_default();
    let ws = pick_workspace(&app, body.workspace.as_deref())?.clone();
    let (id, new) = scans::start(&app, &ws);
    Ok((
        StatusCode::ACCEPTED,
        [(axum::http::header::LOCATION, format!("/api/v1/scans/{id}"))],
        Json(json!({"id": id, "workspace": ws.name, "status": "running", "new": new})),
    )
        .into_response())
}

/// `GET /scans`.
pub(crate) async fn list_scans(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({ "scans": app.scans.list() }))
}

/// `GET /scans/{id}`.
pub(crate) async fn get_scan(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let rec = app
        .scans
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no scan {id:?}")))?;
    Ok(Json(rec).into_response())
}

/// Filters of `GET /drift`.
#[derive(Debug, Deserialize)]
pub(crate) struct DriftQuery {
    workspace: Option<String>,
    kind: Option<String>,
    severity: Option<String>,
}

/// `GET /drift`: the last scan's findings, optionally by kind and minimum severity.
pub(crate) async fn drift(State(app): State<Arc<App>>, Query(q): Query<DriftQuery>) -> ApiResult {
    let ws = pick_workspace(&app, q.workspace.as_deref())?;
    let l = latest(&app, &ws.name)?;
    let report = &l.output.report;
    let min = match q.severity.as_deref() {
        None => None,
        Some("low") => Some(crate::model::Severity::Low),
        Some("medium") => Some(crate::model::Severity::Medium),
        Some("high") => Some(crate::model::Severity::High),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown severity {other:?}: low, medium or high"
            )));
        }
    };
    if let Some(k) = &q.kind
        && !["changed", "missing", "unmanaged"].contains(&k.as_str())
    {
        return Err(ApiError::bad_request(format!(
            "unknown kind {k:?}: changed, missing or unmanaged"
        )));
    }
    let drift: Vec<&crate::diff::Drift> = report
        .drift
        .iter()
        .filter(|d| q.kind.as_deref().is_none_or(|k| d.kind.as_str() == k))
        .filter(|d| min.is_none_or(|m| d.severity >= m))
        .collect();
    Ok(Json(json!({
        "workspace": ws.name,
        "scan_id": l.scan_id,
        "finished_ms": l.finished_ms,
        "format_version": report.format_version,
        "summary": report.summary,
        "partial": report.partial,
        "alerts": report.alerts,
        "drift": drift,
    }))
    .into_response())
}

/// `GET /resources`: every managed resource with its status, then the unmanaged ones.
pub(crate) async fn resources(
    State(app): State<Arc<App>>,
    Query(q): Query<WorkspaceQuery>,
) -> ApiResult {
    let ws = pick_workspace(&app, q.workspace.as_deref())?;
    let l = latest(&app, &ws.name)?;
    let report = &l.output.report;
    // Managed findings by address: several state objects may share an ID (a metric filter's
    // is its name, and every log group may have an `errors` one).
    let by_address: std::collections::HashMap<&str, &crate::diff::Drift> = report
        .drift
        .iter()
        .filter_map(|d| Some((d.address.as_deref()?, d)))
        .collect();
    let covered = &l.output.live.coverage;
    let mut out: Vec<Value> = l
        .output
        .inputs
        .state
        .iter()
        .map(|r| {
            let address = r.address.as_ref().map(ToString::to_string);
            let d = address.as_deref().and_then(|a| by_address.get(a));
            let status = match d.map(|d| d.kind) {
                Some(Kind::Changed) => "changed",
                Some(Kind::Missing) => "missing",
                _ if covered.covers_type(&r.rtype) => "in_sync",
                _ => "unchecked",
            };
            json!({
                "address": r.address.as_ref().map(ToString::to_string),
                "type": r.rtype,
                "id": r.id,
                "region": r.region,
                "status": status,
                "severity": d.map(|d| d.severity),
            })
        })
        .collect();
    out.extend(
        report
            .drift
            .iter()
            .filter(|d| d.kind == Kind::Unmanaged)
            .map(|d| {
                json!({
                    "address": null,
                    "type": d.rtype,
                    "id": d.id,
                    "region": d.region,
                    "status": "unmanaged",
                    "severity": d.severity,
                })
            }),
    );
    Ok(Json(json!({"workspace": ws.name, "scan_id": l.scan_id, "resources": out})).into_response())
}

/// Body of `POST /remediate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Remediate {
    workspace: Option<String>,
    /// `codify` (unmanaged → HCL), `patch` (changed → HCL) or `plan` (code wins).
    action: String,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    addresses: Vec<String>,
    /// Write the files / apply the plan (remediate role).
    #[serde(default)]
    apply: bool,
    /// Edit files with uncommitted git changes.
    #[serde(default)]
    allow_dirty: bool,
    /// codify: the file to create.
    #[serde(default)]
    file: Option<String>,
}

/// What `POST /remediate` is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Unmanaged resources into HCL (cloud wins).
    Codify,
    /// Changed literals in HCL to the live values (cloud wins).
    Patch,
    /// A plan that puts the cloud back (code wins).
    Plan,
}

impl std::str::FromStr for Action {
    type Err = ApiError;

    fn from_str(s: &str) -> Result<Action, ApiError> {
        match s {
            "codify" => Ok(Action::Codify),
            "patch" => Ok(Action::Patch),
            "plan" => Ok(Action::Plan),
            other => Err(ApiError::bad_request(format!(
                "unknown action {other:?}: codify, patch or plan"
            ))),
        }
    }
}

/// `POST /remediate`: the codify/patch diff or the restoring plan of the last scan's findings;
/// with `"apply": true` (remediate role) it is written or applied, then a new scan starts.
pub(crate) async fn remediate(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<Remediate>,
) -> ApiResult {
    if body.apply && caller.role < Role::Remediate {
        return Ok(forbidden("applying a remediation"));
    }
    let action: Action = body.action.parse()?;
    let ws = pick_workspace(&app, body.workspace.as_deref())?.clone();
    let l = latest(&app, &ws.name)?;
    // Held until the remediation is written or applied (moved into the work that outlives
    // this request if the client goes away).
    let claim = match body.apply {
        true => Some(app.applying.claim(&ws.name).ok_or_else(|| {
            ApiError::conflict(format!(
                "a remediation is already being applied in workspace {}",
                ws.name
            ))
        })?),
        false => None,
    };
    let selection = crate::diff::Selection {
        types: body.types.clone(),
        ids: body.ids.clone(),
        addresses: body.addresses.clone(),
    };
    let mut answer = json!({
        "workspace": ws.name,
        "scan_id": l.scan_id,
        "action": body.action,
        "applied": false,
    });
    match action {
        Action::Codify | Action::Patch => {
            let file = body.file.as_deref().unwrap_or("drift_imports.tf");
            let (l2, selection, file, codify) = (
                l.clone(),
                selection.clone(),
                file.to_string(),
                action == Action::Codify,
            );
            let (edits, skipped) = super::off_thread(move || async move {
                cloudwins::propose(&l2.request, &l2.output, &selection, codify, &file).await
            })
            .await
            .map_err(failed)?;
            answer["edits"] = edits
                .iter()
                .map(|e| json!({"file": e.display, "create": e.create, "diff": e.diff()}))
                .collect();
            answer["skipped"] = skipped
                .iter()
                .map(|s| json!({"what": s.what, "location": s.location, "reason": s.reason}))
                .collect();
            if body.apply && !edits.is_empty() {
                for e in &edits {
                    cloudwins::write(&l.request.dir, e, body.allow_dirty).map_err(failed)?;
                }
                answer["applied"] = true.into();
            }
        }
        Action::Plan => {
            l.output.ensure_complete().map_err(failed)?;
            let targets: Vec<String> = crate::codewins::drifted_addresses(&l.output.report)
                .into_iter()
                .filter(|a| {
                    l.output
                        .report
                        .drift
                        .iter()
                        .any(|d| d.address.as_deref() == Some(a.as_str()) && selection.wants(d))
                })
                .collect();
            if targets.is_empty() {
                answer["plan"] = Value::Null;
                answer["message"] = "no selected managed resource drifted".into();
            } else {
                let (dir, apply, t2) = (l.request.dir.clone(), body.apply, targets.clone());
                let (bin, l2) = (l.request.terraform.clone(), l.clone());
                let (restore, applied) = super::off_thread(move || async move {
                    let _claim = claim;
                    // Terraform's lines go to the log as fields (the default sink), never raw
                    // to stderr: a `--log-json` log stays one object per line.
                    let tf = crate::terraform::Terraform::find(bin.as_deref())?;
                    let restore =
                        crate::codewins::plan_restore(&tf, &dir, &l2.output.report, &t2).await?;
                    let mut applied = false;
                    if let Some(plan) = restore.plan.as_ref().filter(|p| apply && p.has_changes) {
                        crate::codewins::apply(&tf, plan).await?;
                        applied = true;
                    }
                    Ok((restore, applied))
                })
                .await
                .map_err(failed)?;
                answer["plan"] = json!({
                    "targets": restore.targets,
                    "has_changes": restore.plan.as_ref().is_some_and(|p| p.has_changes),
                    "text": restore.plan.as_ref().map(|p| p.text.clone()),
                    "unrestored": restore.unrestored.iter().map(|u| {
                        let mut v = serde_json::to_value(u).unwrap_or_default();
                        v["message"] = u.message().into();
                        v
                    }).collect::<Vec<_>>(),
                    "recorded_into_state": restore.recorded,
                });
                answer["applied"] = applied.into();
            }
        }
    }
    if answer["applied"] == true {
        let (id, _) = scans::start(&app, &ws);
        answer["rescan_id"] = id.into();
    }
    Ok(Json(answer).into_response())
}

/// `GET /security`.
pub(crate) async fn security(
    State(app): State<Arc<App>>,
    Query(q): Query<WorkspaceQuery>,
) -> ApiResult {
    let ws = pick_workspace(&app, q.workspace.as_deref())?;
    let l = latest(&app, &ws.name)?;
    let findings = insight::security(&l.output.report);
    Ok(
        Json(json!({"workspace": ws.name, "scan_id": l.scan_id, "findings": findings}))
            .into_response(),
    )
}

/// `GET /compliance`.
pub(crate) async fn compliance(
    State(app): State<Arc<App>>,
    Query(q): Query<WorkspaceQuery>,
) -> ApiResult {
    let ws = pick_workspace(&app, q.workspace.as_deref())?;
    if app.config.compliance.required_tags.is_empty() {
        return Err(ApiError::conflict(
            "no required tags configured: add [compliance] required_tags to the server configuration"
                .into(),
        ));
    }
    let l = latest(&app, &ws.name)?;
    let c = insight::compliance(
        &app.config.compliance,
        &l.output.inputs.state,
        &l.output.live,
        &l.output.report,
    );
    Ok(Json(json!({"workspace": ws.name, "scan_id": l.scan_id, "compliance": c})).into_response())
}

/// `GET /costs`.
pub(crate) async fn costs(
    State(app): State<Arc<App>>,
    Query(q): Query<WorkspaceQuery>,
) -> ApiResult {
    let ws = pick_workspace(&app, q.workspace.as_deref())?;
    let l = latest(&app, &ws.name)?;
    let c = insight::costs(
        &l.output.report,
        &l.output.live,
        l.output.inputs.regions.first().map(String::as_str),
    );
    Ok(Json(json!({"workspace": ws.name, "scan_id": l.scan_id, "costs": c})).into_response())
}
