//! A small Terraform provider speaking plugin protocol 6, built from the project's own proto
//! files, for tests of the plugin client (`tests/plugin.rs`). Not a product.
//!
//! It serves one resource type, `testdrift_thing`, whose objects live in a JSON file named by
//! the provider block (`data_file`): tests edit the file to simulate drift. It implements
//! ListResource and GenerateResourceConfig, which the real providers on this machine do not.
//!
//! `TFD_TEST_PROVIDER_MODE` makes it misbehave: `hang-start`, `bad-handshake`, `proto4`,
//! `crash-start`, `hang-read`, `crash-read`. `TFD_TEST_PROVIDER_PIDS` names a file where it
//! writes its own pid and the pid of a child it starts (to check nothing is left running).

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a plugin: its handshake and crash messages are its interface"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;

use serde_json::{Value as J, json};
use terraform_drift::plugin::cty::{self, Type, Value};
use terraform_drift::plugin::proto::controller::Empty;
use terraform_drift::plugin::proto::controller::grpc_controller_server::{
    GrpcController, GrpcControllerServer,
};
use terraform_drift::plugin::proto::tfplugin5 as shared;
use terraform_drift::plugin::proto::tfplugin6 as pb;
use terraform_drift::plugin::proto::tfplugin6::provider_server::{Provider, ProviderServer};
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

const TYPE: &str = "testdrift_thing";

fn attr(name: &str, ty: &str, how: &str) -> pb::schema::Attribute {
    pb::schema::Attribute {
        name: name.into(),
        r#type: ty.as_bytes().to_vec(),
        required: how.contains("required"),
        optional: how.contains("optional"),
        computed: how.contains("computed"),
        sensitive: how.contains("sensitive"),
        ..Default::default()
    }
}

fn thing_schema() -> pb::Schema {
    let mut settings = attr("settings", "", "optional");
    settings.r#type = Vec::new();
    settings.nested_type = Some(pb::schema::Object {
        attributes: vec![
            attr("mode", "\"string\"", "optional"),
            attr("level", "\"number\"", "optional"),
        ],
        nesting: pb::schema::object::NestingMode::Single as i32,
    });
    pb::Schema {
        version: 1,
        block: Some(pb::schema::Block {
            attributes: vec![
                attr("id", "\"string\"", "computed"),
                attr("name", "\"string\"", "required"),
                attr("size", "\"number\"", "optional"),
                attr("tags", "[\"map\",\"string\"]", "optional"),
                attr("labels", "[\"set\",\"string\"]", "optional"),
                attr("secret", "\"string\"", "optional sensitive"),
                attr("meta", "\"dynamic\"", "optional"),
                settings,
            ],
            block_types: vec![pb::schema::NestedBlock {
                type_name: "rule".into(),
                nesting: pb::schema::nested_block::NestingMode::Set as i32,
                block: Some(pb::schema::Block {
                    attributes: vec![
                        attr("port", "\"number\"", "required"),
                        attr("cidr", "\"string\"", "required"),
                    ],
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
    }
}

fn schema_response() -> pb::get_provider_schema::Response {
    pb::get_provider_schema::Response {
        provider: Some(pb::Schema {
            version: 0,
            block: Some(pb::schema::Block {
                attributes: vec![attr("data_file", "\"string\"", "required")],
                ..Default::default()
            }),
        }),
        resource_schemas: [(TYPE.to_string(), thing_schema())].into(),
        list_resource_schemas: [(
            TYPE.to_string(),
            pb::Schema {
                version: 0,
                block: Some(pb::schema::Block {
                    attributes: vec![attr("prefix", "\"string\"", "optional")],
                    ..Default::default()
                }),
            },
        )]
        .into(),
        server_capabilities: Some(shared::ServerCapabilities {
            get_provider_schema_optional: true,
            generate_resource_config: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn thing_type() -> Type {
    terraform_drift::plugin::schema::Schema::from(&thing_schema())
        .block
        .implied_type()
}

fn mode() -> String {
    std::env::var("TFD_TEST_PROVIDER_MODE").unwrap_or_default()
}

struct TestProvider {
    data_file: Mutex<Option<PathBuf>>,
}

impl TestProvider {
    fn things(&self) -> Result<BTreeMap<String, J>, Status> {
        let path = self
            .data_file
            .lock()
            .unwrap()
            .clone()
            .ok_or_else(|| Status::failed_precondition("provider not configured"))?;
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Status::internal(format!("{}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| Status::internal(e.to_string()))
    }

    fn object(&self, id: &str) -> Result<Option<Value>, Status> {
        let Some(mut obj) = self.things()?.remove(id) else {
            return Ok(None);
        };
        obj["id"] = json!(id);
        cty::from_json_value(&obj, &thing_type())
            .map(Some)
            .map_err(|e| Status::internal(e.to_string()))
    }
}

fn dynamic(v: &Value, t: &Type) -> Result<shared::DynamicValue, Status> {
    Ok(shared::DynamicValue {
        msgpack: cty::encode_msgpack(v, t).map_err(|e| Status::internal(e.to_string()))?,
        json: Vec::new(),
    })
}

fn error(summary: &str) -> shared::Diagnostic {
    shared::Diagnostic {
        severity: shared::diagnostic::Severity::Error as i32,
        summary: summary.into(),
        ..Default::default()
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<shared::list_resource::Event, Status>> + Send>>;

#[tonic::async_trait]
impl Provider for TestProvider {
    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(schema_response()))
    }

    async fn configure_provider(
        &self,
        req: Request<shared::configure::Request>,
    ) -> Result<Response<shared::configure::Response>, Status> {
        let schema =
            terraform_drift::plugin::schema::Schema::from(&schema_response().provider.unwrap());
        let config = req.into_inner().config.unwrap_or_default();
        let v = cty::decode_msgpack(&config.msgpack, &schema.block.implied_type())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let file = match v {
            Value::Map(m) => match m.get("data_file") {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    return Ok(Response::new(shared::configure::Response {
                        diagnostics: vec![error("data_file is required")],
                    }));
                }
            },
            _ => return Err(Status::invalid_argument("config is not an object")),
        };
        *self.data_file.lock().unwrap() = Some(PathBuf::from(file));
        Ok(Response::new(shared::configure::Response::default()))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<shared::upgrade_resource_state::Request>,
    ) -> Result<Response<shared::upgrade_resource_state::Response>, Status> {
        let raw = req.into_inner().raw_state.unwrap_or_default().json;
        let v = cty::decode_json(&raw, &thing_type())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        Ok(Response::new(shared::upgrade_resource_state::Response {
            upgraded_state: Some(dynamic(&v, &thing_type())?),
            diagnostics: Vec::new(),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<shared::read_resource::Request>,
    ) -> Result<Response<shared::read_resource::Response>, Status> {
        match mode().as_str() {
            "hang-read" => std::future::pending::<()>().await,
            "crash-read" => {
                eprintln!("panic: runtime error: invalid memory address (test crash)");
                std::process::exit(2);
            }
            _ => {}
        }
        let current = req.into_inner().current_state.unwrap_or_default();
        let v = cty::decode_msgpack(&current.msgpack, &thing_type())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let id = match &v {
            Value::Map(m) => match m.get("id") {
                Some(Value::String(s)) => s.clone(),
                _ => return Err(Status::invalid_argument("no id")),
            },
            _ => return Err(Status::invalid_argument("state is not an object")),
        };
        let new = self.object(&id)?.unwrap_or(Value::Null);
        Ok(Response::new(shared::read_resource::Response {
            new_state: Some(dynamic(&new, &thing_type())?),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<shared::import_resource_state::Request>,
    ) -> Result<Response<shared::import_resource_state::Response>, Status> {
        let id = req.into_inner().id;
        let stub = Value::Map([("id".to_string(), Value::String(id))].into());
        Ok(Response::new(shared::import_resource_state::Response {
            imported_resources: vec![shared::import_resource_state::ImportedResource {
                type_name: TYPE.into(),
                state: Some(dynamic(&stub, &thing_type())?),
                ..Default::default()
            }],
            ..Default::default()
        }))
    }

    async fn generate_resource_config(
        &self,
        req: Request<shared::generate_resource_config::Request>,
    ) -> Result<Response<shared::generate_resource_config::Response>, Status> {
        let state = req.into_inner().state.unwrap_or_default();
        let mut v = cty::decode_msgpack(&state.msgpack, &thing_type())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        // Computed-only attributes do not belong in configuration.
        if let Value::Map(m) = &mut v {
            m.insert("id".into(), Value::Null);
        }
        Ok(Response::new(shared::generate_resource_config::Response {
            config: Some(dynamic(&v, &thing_type())?),
            diagnostics: Vec::new(),
        }))
    }

    type ListResourceStream = EventStream;

    async fn list_resource(
        &self,
        req: Request<shared::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        let req = req.into_inner();
        let mut events = Vec::new();
        for id in self.things()?.keys().take(req.limit.max(0) as usize) {
            let obj = self.object(id)?.unwrap_or(Value::Null);
            events.push(Ok(shared::list_resource::Event {
                display_name: id.clone(),
                resource_object: req
                    .include_resource_object
                    .then(|| dynamic(&obj, &thing_type()))
                    .transpose()?,
                ..Default::default()
            }));
        }
        Ok(Response::new(Box::pin(tokio_stream::iter(events))))
    }

    async fn stop_provider(
        &self,
        _: Request<shared::stop::Request>,
    ) -> Result<Response<shared::stop::Response>, Status> {
        Ok(Response::new(shared::stop::Response::default()))
    }
}

struct Controller;

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _: Request<Empty>) -> Result<Response<Empty>, Status> {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            std::process::exit(0);
        });
        Ok(Response::new(Empty {}))
    }
}

#[tokio::main]
async fn main() {
    if std::env::var("TF_PLUGIN_MAGIC_COOKIE").is_err() {
        eprintln!("This binary is a plugin. These are not meant to be executed directly.");
        std::process::exit(1);
    }
    // A child in the same process group, to prove the client kills the whole group.
    let child = std::process::Command::new("sleep").arg("300").spawn().ok();
    if let Ok(path) = std::env::var("TFD_TEST_PROVIDER_PIDS") {
        let pids = format!(
            "{}\n{}\n",
            std::process::id(),
            child.as_ref().map_or(0, |c| c.id())
        );
        std::fs::write(path, pids).unwrap();
    }
    let offered = std::env::var("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    match mode().as_str() {
        "hang-start" => std::future::pending::<()>().await,
        "bad-handshake" => {
            println!("hello, this is not a handshake");
            std::future::pending::<()>().await
        }
        "proto4" => {
            println!("1|4|unix|/tmp/nonexistent-plugin.sock|grpc|");
            std::future::pending::<()>().await
        }
        "crash-start" => {
            eprintln!("error: cannot load the provider configuration (test crash)");
            std::process::exit(3);
        }
        _ => {}
    }
    if !offered.split(',').any(|v| v.trim() == "6") {
        eprintln!(
            "incompatible API version with plugin: client offers {offered:?}, plugin speaks 6"
        );
        std::process::exit(1);
    }
    // Real providers log HTTP bodies at debug level (hclog JSON on stderr); one such line, with
    // a secret-named tag in its body, so tests can check it is never forwarded as it is.
    eprintln!(
        r#"{{"@level":"debug","@message":"HTTP Response Received","http.response.body":"<Tag><Key>db_password</Key><Value>s3cr3t-body-marker</Value></Tag>"}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("plugin.sock");
    let listener = tokio::net::UnixListener::bind(&sock).unwrap();
    println!("1|6|unix|{}|grpc|", sock.display());
    let provider = TestProvider {
        data_file: Mutex::new(None),
    };
    tonic::transport::Server::builder()
        .add_service(ProviderServer::new(provider))
        .add_service(GrpcControllerServer::new(Controller))
        .serve_with_incoming(tokio_stream::wrappers::UnixListenerStream::new(listener))
        .await
        .unwrap();
}
