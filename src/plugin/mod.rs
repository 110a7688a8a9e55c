//! The Terraform plugin protocol client (tfplugin5 and tfplugin6 over gRPC).
//!
//! [`Provider::start`] launches a provider binary as Terraform does ([`launch`]), loads its
//! schema (cached on disk by binary hash), and offers the RPCs terraform-drift needs, each under
//! a deadline. Values cross the wire as cty msgpack ([`cty`]), typed by the schema ([`schema`]).
//! The generated protocol code stays behind this module's own types.

pub mod cty;
pub mod find;
pub mod launch;
pub mod schema;

/// Code generated from `proto/` (public only for the test provider in `examples/`).
#[doc(hidden)]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod proto {
    /// Protocol 5.
    pub mod tfplugin5 {
        tonic::include_proto!("tfplugin5");
    }
    /// Protocol 6 (messages shared with protocol 5 use the protocol 5 types).
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    /// go-plugin's controller service.
    pub mod controller {
        tonic::include_proto!("plugin");
    }
}

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use prost::Message;
use thiserror::Error;
use tonic::transport::Channel;

use cty::{Type, Value};
use launch::{LaunchOptions, Process};
use proto::tfplugin5 as pb;
use schema::{ProviderSchema, Schema};

/// What went wrong talking to a provider. Every message names the provider.
#[derive(Debug, Error)]
pub enum PluginError {
    /// The binary could not be started.
    #[error("cannot start provider {provider}: {source}")]
    Spawn {
        /// Binary path.
        provider: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// No handshake (or no connection) in time.
    #[error("provider {provider} did not start within {seconds}s")]
    StartTimeout {
        /// Provider name.
        provider: String,
        /// The limit.
        seconds: u64,
    },
    /// The process exited before its handshake.
    #[error("provider {provider} exited before its handshake ({status}){}", stderr_suffix(.stderr))]
    Exited {
        /// Provider name.
        provider: String,
        /// Exit status.
        status: String,
        /// Last lines of stderr.
        stderr: String,
    },
    /// The handshake line was not understood.
    #[error("provider {provider} printed an invalid handshake: {message}")]
    Handshake {
        /// Provider name.
        provider: String,
        /// What was wrong.
        message: String,
    },
    /// The provider speaks a plugin protocol this client does not.
    #[error(
        "provider {provider} speaks plugin protocol {version}; terraform-drift needs protocol 5 or 6 (providers for Terraform 0.12 and later)"
    )]
    Protocol {
        /// Provider name.
        provider: String,
        /// Its protocol version.
        version: u32,
    },
    /// The gRPC connection failed.
    #[error("cannot connect to provider {provider}: {message}")]
    Connect {
        /// Provider name.
        provider: String,
        /// What failed.
        message: String,
    },
    /// Certificate generation or TLS set-up failed.
    #[error("plugin tls: {0}")]
    Tls(String),
    /// The provider binary could not be located or verified.
    #[error("{0}")]
    Find(String),
    /// An RPC failed at the transport level (crash, refused, …).
    #[error("provider {provider}: {rpc} failed: {message}{}", stderr_suffix(.stderr))]
    Rpc {
        /// Provider name.
        provider: String,
        /// RPC name.
        rpc: &'static str,
        /// gRPC status message.
        message: String,
        /// Last lines of stderr.
        stderr: String,
    },
    /// An RPC did not answer before its deadline.
    #[error("provider {provider}: {rpc} did not answer within {seconds}s")]
    Timeout {
        /// Provider name.
        provider: String,
        /// RPC name.
        rpc: &'static str,
        /// The deadline.
        seconds: u64,
    },
    /// The provider answered with error diagnostics.
    #[error("provider {provider}: {rpc} {subject}: {messages}")]
    Diagnostics {
        /// Provider name.
        provider: String,
        /// RPC name.
        rpc: &'static str,
        /// The resource type or ID concerned.
        subject: String,
        /// `summary: detail` of each error, joined.
        messages: String,
    },
    /// A value could not be encoded or decoded.
    #[error("provider {provider}: {rpc} {subject}: {source}")]
    Codec {
        /// Provider name.
        provider: String,
        /// RPC name.
        rpc: &'static str,
        /// The resource type or ID concerned.
        subject: String,
        /// Codec error.
        source: cty::CtyError,
    },
    /// The schema has no such resource type.
    #[error("provider {provider} has no resource type {rtype}")]
    UnknownType {
        /// Provider name.
        provider: String,
        /// The type asked for.
        rtype: String,
    },
    /// The provider does not implement an RPC.
    #[error("provider {provider} does not support {rpc}")]
    Unsupported {
        /// Provider name.
        provider: String,
        /// RPC name.
        rpc: &'static str,
    },
}

fn stderr_suffix(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("; provider stderr:\n{}", stderr.trim_end())
    }
}

/// Limits for talking to a provider.
#[derive(Debug, Clone)]
pub struct Options {
    /// Working directory for the process (the Terraform root module).
    pub dir: std::path::PathBuf,
    /// How long start-up (handshake + connect) may take.
    pub start_timeout: Duration,
    /// Deadline of every RPC.
    pub call_timeout: Duration,
    /// Schema cache directory; `None` disables the cache.
    pub cache_dir: Option<std::path::PathBuf>,
}

impl Options {
    /// Defaults for `dir`: 60 s to start, 120 s per call, the user cache directory.
    pub fn new(dir: &Path) -> Options {
        Options {
            dir: dir.to_path_buf(),
            start_timeout: Duration::from_secs(60),
            call_timeout: Duration::from_secs(120),
            cache_dir: schema::cache_dir(),
        }
    }
}

#[derive(Clone)]
enum Client {
    V5(pb::provider_client::ProviderClient<Channel>),
    V6(proto::tfplugin6::provider_client::ProviderClient<Channel>),
}

/// Calls the same RPC on either protocol: the request and response types are shared.
macro_rules! rpc {
    ($client:expr, $v5:ident, $v6:ident, $req:expr) => {
        match $client.clone() {
            Client::V5(mut c) => c.$v5($req).await,
            Client::V6(mut c) => c.$v6($req).await,
        }
    };
}

/// One object returned by ImportResourceState.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Its resource type (imports may return several types).
    pub rtype: String,
    /// Its state as the provider encoded it.
    pub state: Vec<u8>,
    /// Provider-private data to pass to the next read.
    pub private: Vec<u8>,
}

/// One object found by ListResource.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Human-readable name.
    pub display_name: String,
    /// The full object, when asked for.
    pub object: Option<Value>,
}

/// A running, connected provider.
pub struct Provider {
    name: String,
    client: Client,
    channel: Channel,
    process: std::sync::Mutex<Option<Process>>,
    protocol: u32,
    call_timeout: Duration,
    schema: Arc<ProviderSchema>,
}

impl Provider {
    /// Starts `bin` and loads its schema (from the cache when the provider allows it).
    pub async fn start(bin: &Path, opts: &Options) -> Result<Provider, PluginError> {
        let t = std::time::Instant::now();
        let (process, channel, protocol) = launch::launch(
            bin,
            &LaunchOptions {
                dir: opts.dir.clone(),
                start_timeout: opts.start_timeout,
            },
        )
        .await?;
        let client = match protocol {
            5 => Client::V5(
                pb::provider_client::ProviderClient::new(channel.clone())
                    .max_decoding_message_size(usize::MAX),
            ),
            _ => Client::V6(
                proto::tfplugin6::provider_client::ProviderClient::new(channel.clone())
                    .max_decoding_message_size(usize::MAX),
            ),
        };
        let mut p = Provider {
            name: process.name().to_string(),
            client,
            channel,
            process: std::sync::Mutex::new(Some(process)),
            protocol,
            call_timeout: opts.call_timeout,
            schema: Arc::new(ProviderSchema::default()),
        };
        tracing::debug!(provider = %p.name, protocol, elapsed_ms = t.elapsed().as_millis() as u64, "provider started");
        let t = std::time::Instant::now();
        p.schema = Arc::new(p.load_schema(bin, opts.cache_dir.as_deref()).await?);
        tracing::info!(provider = %p.name, resource_types = p.schema.resources.len(), elapsed_ms = t.elapsed().as_millis() as u64, "schema loaded");
        Ok(p)
    }

    /// The provider's name (its binary's file name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The negotiated protocol version (5 or 6).
    pub fn protocol(&self) -> u32 {
        self.protocol
    }

    /// The provider's schema.
    pub fn schema(&self) -> &Arc<ProviderSchema> {
        &self.schema
    }

    /// The schema of a managed resource type.
    pub fn resource_schema(&self, rtype: &str) -> Result<&Schema, PluginError> {
        self.schema
            .resources
            .get(rtype)
            .ok_or_else(|| PluginError::UnknownType {
                provider: self.name.clone(),
                rtype: rtype.to_string(),
            })
    }

    async fn load_schema(
        &self,
        bin: &Path,
        cache: Option<&Path>,
    ) -> Result<ProviderSchema, PluginError> {
        let cache_file = match cache {
            Some(dir) => {
                let bin = bin.to_path_buf();
                let hash = tokio::task::spawn_blocking(move || find::file_sha256(&bin))
                    .await
                    .map_err(|e| PluginError::Find(e.to_string()))??;
                Some(schema::cache_file(dir, &hash))
            }
            None => None,
        };
        if let Some(f) = &cache_file
            && let Ok(bytes) = tokio::fs::read(f).await
            && let Some(s) = schema::decode_cache(&bytes)
            // Like Terraform: a cached schema only stands in when the provider says it may.
            && s.schema_optional
        {
            tracing::debug!(provider = %self.name, file = %f.display(), "schema from cache");
            return Ok(s);
        }
        let req = pb::get_provider_schema::Request {};
        let raw = match self.client.clone() {
            Client::V5(mut c) => {
                let r = self.deadline("GetSchema", c.get_schema(req)).await?;
                self.check("GetSchema", "schema", &r.diagnostics)?;
                r.encode_to_vec()
            }
            Client::V6(mut c) => {
                let r = self
                    .deadline(
                        "GetProviderSchema",
                        c.get_provider_schema(proto::tfplugin6::get_provider_schema::Request {}),
                    )
                    .await?;
                self.check("GetProviderSchema", "schema", &r.diagnostics)?;
                r.encode_to_vec()
            }
        };
        let schema =
            schema::decode_response(self.protocol, &raw).map_err(|e| PluginError::Rpc {
                provider: self.name.clone(),
                rpc: "GetProviderSchema",
                message: e.to_string(),
                stderr: String::new(),
            })?;
        if let Some(f) = cache_file
            && let Err(e) = write_cache(&f, &schema::encode_cache(self.protocol, &raw))
        {
            tracing::warn!(file = %f.display(), "cannot cache provider schema: {e:#}");
        }
        Ok(schema)
    }

    async fn deadline<T>(
        &self,
        rpc: &'static str,
        fut: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    ) -> Result<T, PluginError> {
        match tokio::time::timeout(self.call_timeout, fut).await {
            Err(_) => Err(PluginError::Timeout {
                provider: self.name.clone(),
                rpc,
                seconds: self.call_timeout.as_secs(),
            }),
            Ok(Err(status)) if status.code() == tonic::Code::Unimplemented => {
                Err(PluginError::Unsupported {
                    provider: self.name.clone(),
                    rpc,
                })
            }
            Ok(Err(status)) => {
                // A crash shows up as a broken connection: the stderr tail says why.
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(PluginError::Rpc {
                    provider: self.name.clone(),
                    rpc,
                    message: status.message().to_string(),
                    stderr: self.stderr_tail(),
                })
            }
            Ok(Ok(r)) => Ok(r.into_inner()),
        }
    }

    fn check(
        &self,
        rpc: &'static str,
        subject: &str,
        diags: &[pb::Diagnostic],
    ) -> Result<(), PluginError> {
        let mut errors = Vec::new();
        for d in diags {
            let text = if d.detail.is_empty() {
                d.summary.clone()
            } else {
                format!("{}: {}", d.summary, d.detail)
            };
            if d.severity == pb::diagnostic::Severity::Error as i32 {
                errors.push(text);
            } else {
                tracing::warn!(provider = %self.name, rpc, subject, "{text}");
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(PluginError::Diagnostics {
                provider: self.name.clone(),
                rpc,
                subject: subject.to_string(),
                messages: errors.join("; "),
            })
        }
    }

    fn codec(&self, rpc: &'static str, subject: &str) -> impl Fn(cty::CtyError) -> PluginError {
        let provider = self.name.clone();
        let subject = subject.to_string();
        move |source| PluginError::Codec {
            provider: provider.clone(),
            rpc,
            subject: subject.clone(),
            source,
        }
    }

    /// ConfigureProvider with `config` (an object of the provider block's type).
    pub async fn configure(&self, config: &Value) -> Result<(), PluginError> {
        let ty = self.schema.provider.block.implied_type();
        let msgpack = cty::encode_msgpack(config, &ty)
            .map_err(self.codec("ConfigureProvider", "provider"))?;
        let req = pb::configure::Request {
            terraform_version: "1.11.4".into(),
            config: Some(dynamic(msgpack)),
            client_capabilities: Some(capabilities()),
        };
        let r = self
            .deadline("ConfigureProvider", async {
                rpc!(self.client, configure, configure_provider, req)
            })
            .await?;
        self.check("ConfigureProvider", "provider", &r.diagnostics)
    }

    /// UpgradeResourceState: the state JSON as stored (any older schema version) to the
    /// current schema's msgpack.
    pub async fn upgrade_state(
        &self,
        rtype: &str,
        version: u64,
        raw_json: Vec<u8>,
    ) -> Result<Vec<u8>, PluginError> {
        let req = pb::upgrade_resource_state::Request {
            type_name: rtype.to_string(),
            version: version as i64,
            raw_state: Some(pb::RawState {
                json: raw_json,
                flatmap: Default::default(),
            }),
        };
        let r = self
            .deadline("UpgradeResourceState", async {
                rpc!(
                    self.client,
                    upgrade_resource_state,
                    upgrade_resource_state,
                    req
                )
            })
            .await?;
        self.check("UpgradeResourceState", rtype, &r.diagnostics)?;
        Ok(r.upgraded_state.map(|d| d.msgpack).unwrap_or_default())
    }

    /// ReadResource: the object as it is now, `None` when it no longer exists.
    pub async fn read(
        &self,
        rtype: &str,
        id: &str,
        current: Vec<u8>,
        private: Vec<u8>,
    ) -> Result<Option<Value>, PluginError> {
        let ty = self.resource_schema(rtype)?.block.implied_type();
        let req = pb::read_resource::Request {
            type_name: rtype.to_string(),
            current_state: Some(dynamic(current)),
            private,
            provider_meta: None,
            client_capabilities: Some(capabilities()),
            current_identity: None,
        };
        let subject = format!("{rtype} {id}");
        let r = self
            .deadline("ReadResource", async {
                rpc!(self.client, read_resource, read_resource, req)
            })
            .await?;
        self.check("ReadResource", &subject, &r.diagnostics)?;
        let v = match r.new_state {
            None => Value::Null,
            Some(d) => self
                .decode_dynamic(&d, &ty)
                .map_err(self.codec("ReadResource", &subject))?,
        };
        Ok((v != Value::Null).then_some(v))
    }

    fn decode_dynamic(&self, d: &pb::DynamicValue, ty: &Type) -> Result<Value, cty::CtyError> {
        if !d.msgpack.is_empty() {
            cty::decode_msgpack(&d.msgpack, ty)
        } else if !d.json.is_empty() {
            cty::decode_json(&d.json, ty)
        } else {
            Ok(Value::Null)
        }
    }

    /// Reads a managed object from its state attributes (as stored in the state file):
    /// UpgradeResourceState, then ReadResource, as Terraform's refresh does.
    pub async fn refresh(
        &self,
        rtype: &str,
        id: &str,
        schema_version: u64,
        attributes: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Option<Value>, PluginError> {
        let raw = serde_json::to_vec(attributes).unwrap_or_default();
        let current = self.upgrade_state(rtype, schema_version, raw).await?;
        self.read(rtype, id, current, Vec::new()).await
    }

    /// ImportResourceState for `id`.
    pub async fn import(&self, rtype: &str, id: &str) -> Result<Vec<Imported>, PluginError> {
        self.resource_schema(rtype)?;
        let req = pb::import_resource_state::Request {
            type_name: rtype.to_string(),
            id: id.to_string(),
            client_capabilities: Some(capabilities()),
            identity: None,
        };
        let subject = format!("{rtype} {id}");
        let r = self
            .deadline("ImportResourceState", async {
                rpc!(
                    self.client,
                    import_resource_state,
                    import_resource_state,
                    req
                )
            })
            .await?;
        self.check("ImportResourceState", &subject, &r.diagnostics)?;
        Ok(r.imported_resources
            .into_iter()
            .map(|i| Imported {
                rtype: i.type_name,
                state: i.state.map(|d| d.msgpack).unwrap_or_default(),
                private: i.private,
            })
            .collect())
    }

    /// Import then read, as `terraform import` does: the object's full attributes, `None` when
    /// it does not exist.
    pub async fn import_and_read(
        &self,
        rtype: &str,
        id: &str,
    ) -> Result<Option<Value>, PluginError> {
        let imported = self.import(rtype, id).await?;
        let Some(i) = imported.into_iter().find(|i| i.rtype == rtype) else {
            return Ok(None);
        };
        self.read(rtype, id, i.state, i.private).await
    }

    /// GenerateResourceConfig: the configuration the provider proposes for an object.
    pub async fn generate_config(&self, rtype: &str, state: &Value) -> Result<Value, PluginError> {
        if !self.schema.generate_resource_config {
            return Err(PluginError::Unsupported {
                provider: self.name.clone(),
                rpc: "GenerateResourceConfig",
            });
        }
        let ty = self.resource_schema(rtype)?.block.implied_type();
        let msgpack =
            cty::encode_msgpack(state, &ty).map_err(self.codec("GenerateResourceConfig", rtype))?;
        let req = pb::generate_resource_config::Request {
            type_name: rtype.to_string(),
            state: Some(dynamic(msgpack)),
        };
        let r = self
            .deadline("GenerateResourceConfig", async {
                rpc!(
                    self.client,
                    generate_resource_config,
                    generate_resource_config,
                    req
                )
            })
            .await?;
        self.check("GenerateResourceConfig", rtype, &r.diagnostics)?;
        match r.config {
            None => Ok(Value::Null),
            Some(d) => self
                .decode_dynamic(&d, &ty)
                .map_err(self.codec("GenerateResourceConfig", rtype)),
        }
    }

    /// ListResource: every object of `rtype` the provider can list, with full objects.
    pub async fn list(&self, rtype: &str, limit: i64) -> Result<Vec<Listed>, PluginError> {
        let list_schema =
            self.schema
                .list_resources
                .get(rtype)
                .ok_or_else(|| PluginError::Unsupported {
                    provider: self.name.clone(),
                    rpc: "ListResource",
                })?;
        let config_ty = list_schema.block.implied_type();
        let config = list_schema
            .block
            .config_value(&serde_json::Map::new())
            .map_err(|message| PluginError::Diagnostics {
                provider: self.name.clone(),
                rpc: "ListResource",
                subject: rtype.to_string(),
                messages: message,
            })?;
        let obj_ty = self.resource_schema(rtype)?.block.implied_type();
        let req = pb::list_resource::Request {
            type_name: rtype.to_string(),
            config: Some(dynamic(
                cty::encode_msgpack(&config, &config_ty)
                    .map_err(self.codec("ListResource", rtype))?,
            )),
            include_resource_object: true,
            limit,
        };
        let mut stream = self
            .deadline("ListResource", async {
                rpc!(self.client, list_resource, list_resource, req)
            })
            .await?;
        let mut out = Vec::new();
        loop {
            let next = match tokio::time::timeout(self.call_timeout, stream.message()).await {
                Err(_) => {
                    return Err(PluginError::Timeout {
                        provider: self.name.clone(),
                        rpc: "ListResource",
                        seconds: self.call_timeout.as_secs(),
                    });
                }
                Ok(r) => r.map_err(|s| PluginError::Rpc {
                    provider: self.name.clone(),
                    rpc: "ListResource",
                    message: s.message().to_string(),
                    stderr: String::new(),
                })?,
            };
            let Some(event) = next else { break };
            self.check("ListResource", rtype, &event.diagnostic)?;
            let object = match &event.resource_object {
                Some(d) => Some(
                    self.decode_dynamic(d, &obj_ty)
                        .map_err(self.codec("ListResource", rtype))?,
                ),
                None => None,
            };
            out.push(Listed {
                display_name: event.display_name,
                object,
            });
        }
        Ok(out)
    }

    /// Asks the provider to cancel what it is doing (StopProvider).
    pub async fn stop(&self) -> Result<(), PluginError> {
        let r = self
            .deadline("StopProvider", async {
                rpc!(self.client, stop, stop_provider, pb::stop::Request {})
            })
            .await?;
        if r.error.is_empty() {
            Ok(())
        } else {
            Err(PluginError::Diagnostics {
                provider: self.name.clone(),
                rpc: "StopProvider",
                subject: "provider".into(),
                messages: r.error,
            })
        }
    }

    /// Shuts the provider down cleanly (go-plugin's controller), then makes sure it is gone.
    pub async fn shutdown(&self) {
        let mut ctl = proto::controller::grpc_controller_client::GrpcControllerClient::new(
            self.channel.clone(),
        );
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            ctl.shutdown(proto::controller::Empty {}),
        )
        .await;
        let process = self.process.lock().ok().and_then(|mut p| p.take());
        if let Some(p) = process {
            p.finish(Duration::from_secs(2)).await;
        }
    }

    /// True while the provider process runs.
    pub fn is_running(&self) -> bool {
        self.process
            .lock()
            .is_ok_and(|mut p| p.as_mut().is_some_and(Process::is_running))
    }

    fn stderr_tail(&self) -> String {
        self.process
            .lock()
            .ok()
            .and_then(|p| p.as_ref().map(Process::stderr_tail))
            .unwrap_or_default()
    }
}

fn dynamic(msgpack: Vec<u8>) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack,
        json: Vec::new(),
    }
}

fn capabilities() -> pb::ClientCapabilities {
    pb::ClientCapabilities {
        deferral_allowed: false,
        write_only_attributes_allowed: true,
    }
}

/// Writes a cache file atomically, through the one file writer.
fn write_cache(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    crate::fsutil::write_atomic(path, bytes, crate::fsutil::Existing::Replace)
}
