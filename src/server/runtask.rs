//! The HCP Terraform / Terraform Enterprise run task (`POST /runtask`).
//!
//! The request is authenticated before it is parsed: `X-TFC-Task-Signature` must be the
//! HMAC-SHA512 of the raw body under the registered key (compared in constant time). The answer
//! is an immediate 200; the evaluation runs in the background: fetch the plan JSON, run the
//! drift analysis on its `resource_drift` (plus unmanaged discovery when a configured workspace
//! answers for the HCP workspace), then PATCH the callback URL with the result.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha512;

use super::App;
use crate::diff::{Drift, Kind, Report};
use crate::model::Severity;
use crate::scan::{self, Refresh, ScanRequest};

/// The token HCP Terraform sends when it verifies a new run task.
const VERIFICATION_TOKEN: &str = "test-token";
/// HCP Terraform shows at most this many outcomes per result.
const MAX_OUTCOMES: usize = 100;
/// The largest plan JSON accepted (a plan of tens of thousands of resources is a few hundred MB).
const MAX_PLAN_BYTES: usize = 1 << 30;
/// Redirects followed when fetching the plan.
const MAX_REDIRECTS: usize = 5;

/// The fields of a run-task request this integration reads (others are ignored).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct TaskRequest {
    payload_version: u32,
    access_token: String,
    #[serde(default)]
    stage: Option<String>,
    task_result_id: String,
    #[serde(default)]
    task_result_enforcement_level: Option<String>,
    task_result_callback_url: String,
    #[serde(default)]
    run_id: Option<String>,
    #[serde(default)]
    workspace_name: Option<String>,
    #[serde(default)]
    plan_json_api_url: Option<String>,
    #[serde(default)]
    capabilities: Option<Capabilities>,
}

#[derive(Debug, Clone, Deserialize, Default)]
struct Capabilities {
    #[serde(default)]
    outcomes: bool,
}

/// True when `signature` (hex) is the HMAC-SHA512 of `body` under `key`.
pub(crate) fn signature_ok(key: &[u8], body: &[u8], signature: &str) -> bool {
    let Some(sig) = decode_hex(signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha512> as KeyInit>::new_from_slice(key) else {
        return false;
    };
    mac.update(body);
    // `verify_slice` compares in constant time and rejects other lengths.
    mac.verify_slice(&sig).is_ok()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// `POST /runtask`.
pub(crate) async fn receive(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, axum::Json<Value>) {
    if let Some(key) = &app.hmac_key {
        let sig = headers
            .get("x-tfc-task-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !signature_ok(key, &body, sig) {
            app.metrics.run_task("rejected");
            tracing::warn!("run-task request with a missing or wrong signature refused");
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "invalid X-TFC-Task-Signature"})),
            );
        }
    }
    let req: TaskRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            app.metrics.run_task("invalid");
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": format!("invalid run-task request: {e}")})),
            );
        }
    };
    if req.payload_version != 1 {
        app.metrics.run_task("invalid");
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(
                json!({"error": format!("unsupported payload_version {}", req.payload_version)}),
            ),
        );
    }
    if req.access_token == VERIFICATION_TOKEN {
        app.metrics.run_task("verification");
        tracing::info!("run-task verification request answered");
        return (StatusCode::OK, axum::Json(json!({})));
    }
    let fresh = app
        .task_results
        .lock()
        .map(|mut seen| seen.insert(&req.task_result_id))
        .unwrap_or(false);
    if !fresh {
        app.metrics.run_task("replay");
        tracing::info!(task_result = %req.task_result_id, "run-task replay ignored");
        return (StatusCode::OK, axum::Json(json!({})));
    }
    app.metrics.run_task("accepted");
    let app2 = app.clone();
    app.tasks.spawn(async move { evaluate(app2, req).await });
    (StatusCode::OK, axum::Json(json!({})))
}

/// Runs the analysis and reports it; every failure becomes a `failed` result, never silence.
async fn evaluate(app: Arc<App>, req: TaskRequest) {
    let stage = req.stage.clone().unwrap_or_default();
    let result = match (&req.plan_json_api_url, stage.as_str()) {
        (Some(url), _) => analyse(&app, &req, url).await,
        (None, "pre_plan" | "post_apply" | "test") => Ok(Outcome {
            status: "passed",
            message: format!("terraform-drift checks plans; the {stage} stage has none"),
            outcomes: Vec::new(),
        }),
        (None, _) => Err(anyhow::anyhow!(
            "the {stage} request carries no plan_json_api_url"
        )),
    };
    let outcome = result.unwrap_or_else(|e| Outcome {
        status: "failed",
        message: one_line(&format!(
            "terraform-drift could not evaluate the plan: {e:#}"
        )),
        outcomes: Vec::new(),
    });
    app.metrics.run_task(outcome.status);
    let advisory = req.task_result_enforcement_level.as_deref() == Some("advisory");
    tracing::info!(
        task_result = %req.task_result_id,
        run = req.run_id.as_deref().unwrap_or(""),
        status = outcome.status,
        advisory,
        "run task evaluated"
    );
    let with_outcomes = req.capabilities.as_ref().is_some_and(|c| c.outcomes);
    let body = callback_body(&app, &outcome, with_outcomes);
    callback(&app, &req, body).await;
}

/// The analysis result before it is put in HCP's shape.
struct Outcome {
    status: &'static str,
    message: String,
    outcomes: Vec<Value>,
}

async fn analyse(app: &App, req: &TaskRequest, url: &str) -> anyhow::Result<Outcome> {
    let plan = fetch_plan(app, url, &req.access_token).await?;
    let work = tempfile::tempdir()?;
    let plan_file = work.path().join("plan.json");
    tokio::fs::write(&plan_file, &plan).await?;
    let ws_name = req.workspace_name.as_deref().unwrap_or("");
    let scan_req = match app.config.workspaces.iter().find(|w| w.answers(ws_name)) {
        Some(ws) => ws.request(|live| Refresh::Plan {
            file: plan_file.clone(),
            unmanaged: Some(live),
        }),
        None => {
            // No local module and no credentials for it: Terraform's refresh is the whole
            // analysis (no unmanaged discovery).
            let empty = work.path().join("module");
            std::fs::create_dir(&empty)?;
            ScanRequest::new(
                empty,
                Refresh::Plan {
                    file: plan_file.clone(),
                    unmanaged: None,
                },
            )
        }
    };
    let unmanaged_checked = scan_req.live().is_some();
    let report = super::off_thread(move || async move {
        let out = scan::scan(&scan_req, &|_| {}).await?;
        drop(work);
        Ok(out.report)
    })
    .await?;
    Ok(judge(&report, unmanaged_checked))
}

/// Passed when nothing drifted and the analysis was complete.
fn judge(report: &Report, unmanaged_checked: bool) -> Outcome {
    let s = &report.summary;
    let scope = if unmanaged_checked {
        ""
    } else {
        " (unmanaged resources not checked: no workspace configured for it)"
    };
    let (status, message) = if report.partial {
        (
            "failed",
            format!("drift check incomplete: {}", report.partial_reasons()),
        )
    } else if report.drift.is_empty() && !report.unchecked.is_empty() {
        // Resources nobody compared are not "no drift".
        (
            "failed",
            format!(
                "drift check incomplete: {} resources not checked ({})",
                report.unchecked.len(),
                report.unchecked[0].reason
            ),
        )
    } else if report.drift.is_empty() {
        (
            "passed",
            format!(
                "no drift: {} managed resources match the cloud{scope}",
                s.managed
            ),
        )
    } else {
        (
            "failed",
            format!(
                "drift found: {} changed, {} missing, {} unmanaged{scope}",
                s.changed, s.missing, s.unmanaged
            ),
        )
    };
    Outcome {
        status,
        message: one_line(&message),
        outcomes: report
            .drift
            .iter()
            .take(MAX_OUTCOMES)
            .map(outcome)
            .collect(),
    }
}

fn one_line(s: &str) -> String {
    let line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 250 {
        line.chars().take(249).chain(std::iter::once('…')).collect()
    } else {
        line
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "info",
    }
}

/// A value for a markdown cell between backticks: strings as they are, the rest as JSON,
/// escaped by the report's own markdown escaper.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => crate::render::markdown_cell(s),
        other => crate::render::markdown_cell(&other.to_string()),
    }
}

/// One `task-result-outcomes` entry for a finding.
fn outcome(d: &Drift) -> Value {
    let name = d
        .address
        .clone()
        .unwrap_or_else(|| format!("{}.{}", d.rtype, d.id));
    let (description, body) = match d.kind {
        Kind::Changed => {
            let paths: Vec<String> = d.changes.iter().map(|c| c.path.to_string()).collect();
            let mut body = String::from(
                "Changed outside Terraform since the last apply.\n\n| Attribute | In state | In the cloud | Severity |\n|---|---|---|---|\n",
            );
            for c in &d.changes {
                body.push_str(&format!(
                    "| `{}` | `{}` | `{}` | {} |\n",
                    crate::render::markdown_cell(&c.path.to_string()),
                    cell(&c.state),
                    cell(&c.live),
                    c.severity
                ));
            }
            (format!("{name} changed: {}", paths.join(", ")), body)
        }
        Kind::Missing => (
            format!("{name} is gone from the cloud"),
            format!(
                "`{}` (`{}`) is in the state but no longer exists. This run will {}.",
                crate::render::markdown_cell(&name),
                crate::render::markdown_cell(&d.id),
                "create it again if it is still configured"
            ),
        ),
        Kind::Unmanaged => (
            format!("{} {} exists outside Terraform", d.rtype, d.id),
            format!(
                "`{}` `{}`{} is in the cloud and in no state. Adopt it with `terraform-drift codify --id {}`, or delete it.",
                crate::render::markdown_cell(&d.rtype),
                crate::render::markdown_cell(&d.id),
                d.region
                    .as_ref()
                    .map(|r| format!(" in {}", crate::render::markdown_cell(r)))
                    .unwrap_or_default(),
                crate::render::markdown_cell(&d.id)
            ),
        ),
    };
    let kind_label = match d.kind {
        Kind::Changed => "Changed",
        Kind::Missing => "Missing",
        Kind::Unmanaged => "Unmanaged",
    };
    let severity_label = match d.severity {
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    };
    json!({
        "type": "task-result-outcomes",
        "attributes": {
            "outcome-id": name,
            "description": one_line(&description),
            "body": body,
            "tags": {
                "Status": [{"label": "Drifted", "level": level(d.severity)}],
                "Severity": [{"label": severity_label, "level": level(d.severity)}],
                "Kind": [{"label": kind_label, "level": "none"}],
            },
        },
    })
}

/// The JSON:API body of the callback.
fn callback_body(app: &App, o: &Outcome, with_outcomes: bool) -> Value {
    let mut attributes = json!({"status": o.status, "message": o.message});
    if let Some(base) = &app.config.public_url {
        attributes["url"] = format!("{}/", base.trim_end_matches('/')).into();
    }
    let mut data = json!({"type": "task-results", "attributes": attributes});
    if with_outcomes && !o.outcomes.is_empty() {
        data["relationships"] = json!({"outcomes": {"data": o.outcomes}});
    }
    json!({ "data": data })
}

/// GETs the plan JSON with the run's token, following redirects by hand: the token goes only
/// to the origin it was issued for (HCP redirects to a signed archive URL elsewhere).
async fn fetch_plan(app: &App, url: &str, token: &str) -> anyhow::Result<Bytes> {
    let origin = reqwest::Url::parse(url)?;
    let mut current = origin.clone();
    for _ in 0..=MAX_REDIRECTS {
        let same_origin = current.origin() == origin.origin();
        // Plans of large runs are big: more time than the client's default.
        let mut get = app
            .http
            .get(current.clone())
            .timeout(Duration::from_secs(600));
        if same_origin {
            get = get.bearer_auth(token);
        }
        let resp = get.send().await;
        let resp = match resp {
            Ok(r) => r,
            Err(e) => {
                app.metrics.outbound("plan", "error");
                // The archive URL's query is a credential: keep it out of messages and logs.
                return Err(anyhow::anyhow!(
                    "cannot fetch the plan from {}: {}",
                    current.host_str().unwrap_or(""),
                    e.without_url()
                ));
            }
        };
        let status = resp.status();
        app.metrics.outbound("plan", status.as_str());
        if status.is_redirection() {
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| anyhow::anyhow!("plan redirect without a Location"))?;
            current = current.join(location)?;
            continue;
        }
        if !status.is_success() {
            anyhow::bail!("fetching the plan JSON answered {status}");
        }
        return read_limited(resp, MAX_PLAN_BYTES).await;
    }
    anyhow::bail!("more than {MAX_REDIRECTS} redirects fetching the plan JSON")
}

/// The body of `resp`, refused once it grows past `limit` bytes (memory stays bounded whatever
/// the other side sends).
async fn read_limited(mut resp: reqwest::Response, limit: usize) -> anyhow::Result<Bytes> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        anyhow::bail!("the plan JSON is larger than {limit} bytes");
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > limit {
            anyhow::bail!("the plan JSON is larger than {limit} bytes");
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.into())
}

/// PATCHes the result, retrying with exponential backoff on 429, 5xx and network errors.
async fn callback(app: &App, req: &TaskRequest, body: Value) {
    let attempts = app.config.run_task.callback_attempts.max(1);
    let mut delay = Duration::from_secs_f64(app.config.run_task.retry_base_seconds.max(0.0));
    for attempt in 1..=attempts {
        let sent = app
            .http
            .patch(&req.task_result_callback_url)
            .bearer_auth(&req.access_token)
            .header(reqwest::header::CONTENT_TYPE, "application/vnd.api+json")
            .body(body.to_string())
            .send()
            .await;
        let retry_after = match sent {
            Ok(r) if r.status().is_success() => {
                app.metrics.outbound("callback", r.status().as_str());
                return;
            }
            Ok(r)
                if r.status() == StatusCode::TOO_MANY_REQUESTS || r.status().is_server_error() =>
            {
                app.metrics.outbound("callback", r.status().as_str());
                tracing::warn!(status = %r.status(), attempt, "run-task callback refused; retrying");
                r.headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(|s| Duration::from_secs(s.min(60)))
            }
            Ok(r) => {
                app.metrics.outbound("callback", r.status().as_str());
                tracing::error!(status = %r.status(), task_result = %req.task_result_id, "run-task callback rejected; not retried");
                return;
            }
            Err(e) => {
                app.metrics.outbound("callback", "error");
                tracing::warn!(error = %e, attempt, "run-task callback failed; retrying");
                None
            }
        };
        if attempt < attempts {
            tokio::time::sleep(retry_after.unwrap_or(delay)).await;
            delay *= 2;
        }
    }
    tracing::error!(task_result = %req.task_result_id, attempts, "run-task callback gave up");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(key: &[u8], body: &[u8]) -> String {
        let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(key).unwrap();
        mac.update(body);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn signatures_are_checked_exactly() {
        let body = br#"{"payload_version":1}"#;
        let good = sign(b"key", body);
        assert!(signature_ok(b"key", body, &good));
        assert!(signature_ok(b"key", body, &good.to_uppercase()));
        assert!(!signature_ok(b"other", body, &good));
        assert!(!signature_ok(b"key", b"{}", &good));
        assert!(!signature_ok(b"key", body, &good[..good.len() - 2]));
        assert!(!signature_ok(b"key", body, ""));
        assert!(!signature_ok(b"key", body, "zz"));
        assert!(!signature_ok(b"key", body, &format!("é{}", &good[2..])));
    }

    #[test]
    fn only_a_complete_clean_analysis_passes() {
        let mut report = Report {
            format_version: "1",
            ..Default::default()
        };
        report.summary.managed = 4;
        let o = judge(&report, true);
        assert_eq!(o.status, "passed");
        assert_eq!(o.message, "no drift: 4 managed resources match the cloud");
        report.partial = true;
        report.alerts.push(crate::model::Alert {
            kind: crate::model::AlertKind::AccessDenied,
            message: "aws_instance in us-east-1: access denied".into(),
            partial: true,
        });
        let o = judge(&report, true);
        assert_eq!(o.status, "failed", "a partial check never passes");
        assert_eq!(
            o.message,
            "drift check incomplete: aws_instance in us-east-1: access denied"
        );
        assert!(judge(&report, false).message.contains("incomplete"));
        // Resources left unchecked never pass either.
        report.partial = false;
        report.alerts.clear();
        report.unchecked.push(crate::diff::Unchecked {
            rtype: "aws_sqs_queue".into(),
            address: Some("aws_sqs_queue.q".into()),
            id: "q".into(),
            region: None,
            code: crate::diff::UncheckedReason::TypeNotListed,
            reason: "not read".into(),
        });
        let o = judge(&report, true);
        assert_eq!(o.status, "failed", "{}", o.message);
        assert!(
            o.message.contains("1 resources not checked"),
            "{}",
            o.message
        );
    }

    #[test]
    fn outcomes_carry_severity_tags_and_escape_tables() {
        let d = Drift {
            kind: Kind::Changed,
            rtype: "aws_security_group".into(),
            id: "sg-1".into(),
            address: Some("aws_security_group.web".into()),
            region: None,
            severity: Severity::High,
            file: None,
            line: None,
            changes: vec![crate::diff::Change {
                path: crate::model::AttrPath(vec![
                    crate::model::PathStep::Key("tags".into()),
                    crate::model::PathStep::Key("a`b|c".into()),
                ]),
                state: "a|b\\`x".into(),
                live: "c".into(),
                severity: Severity::High,
                sensitive: false,
            }],
            live_attributes: None,
        };
        let o = outcome(&d);
        let a = &o["attributes"];
        assert_eq!(a["outcome-id"], "aws_security_group.web");
        assert_eq!(a["tags"]["Severity"][0]["label"], "High");
        assert_eq!(a["tags"]["Severity"][0]["level"], "error");
        let body = a["body"].as_str().unwrap();
        // The same escaping as the report's markdown: pipes, backslashes and backticks cannot
        // close a cell or a code span.
        let row = body.lines().last().unwrap();
        assert_eq!(row, "| `tags[\"a'b\\|c\"]` | `a\\|b\\\\'x` | `c` | high |");
    }
}
