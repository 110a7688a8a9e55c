//! Live updates over a WebSocket: scan progress and results as JSON text frames.
//!
//! Browsers cannot put a bearer token on a WebSocket handshake, so the first frame a client
//! sends is `{"token": "…"}`. Each client reads its own broadcast receiver: a client that stops
//! reading falls behind and is dropped, a client that went away fails its next send and is
//! dropped; neither holds up the others or the scans.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use tokio::sync::broadcast::error::RecvError;

use super::App;

/// Time a client has to authenticate, and to take one frame.
const DEADLINE: Duration = Duration::from_secs(10);

/// `GET /api/v1/events`.
pub(crate) async fn websocket(State(app): State<Arc<App>>, ws: WebSocketUpgrade) -> Response {
    ws.max_message_size(64 * 1024)
        .on_upgrade(move |socket| serve(app, socket))
}

async fn serve(app: Arc<App>, mut socket: WebSocket) {
    let caller = match tokio::time::timeout(DEADLINE, socket.recv()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["token"].as_str().map(str::to_string))
            .and_then(|t| super::auth::caller(&app, &t)),
        _ => None,
    };
    let Some(caller) = caller else {
        let _ = socket
            .send(Message::Text(
                r#"{"type":"error","error":"send {\"token\": \"…\"} first with a valid bearer token"}"#.into(),
            ))
            .await;
        let _ = socket.send(Message::Close(None)).await;
        return;
    };
    // Subscribe before saying hello so nothing published after it is missed.
    let mut rx = app.events.subscribe();
    let hello = serde_json::json!({"type": "hello", "as": caller.name});
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Ok(text) => {
                    let send = socket.send(Message::Text(text.as_ref().into()));
                    match tokio::time::timeout(DEADLINE, send).await {
                        Ok(Ok(())) => {}
                        _ => return,
                    }
                }
                Err(RecvError::Lagged(n)) => {
                    tracing::info!(missed = n, "dropping a websocket client that fell behind");
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                // Pings are answered by axum; anything else from the client is ignored.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
