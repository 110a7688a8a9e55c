//! Generates the plugin protocol client (and the test provider's server stubs) from `proto/`.
//!
//! protox compiles the `.proto` files in Rust, so a fresh machine needs no `protoc`.

/// Protocol 6 messages that are field-for-field the same as protocol 5 ones: they share the
/// protocol 5 Rust types, so the client converts only what really differs (schemas).
const SHARED: &[(&str, &str)] = &[
    ("DynamicValue", "DynamicValue"),
    ("Diagnostic", "Diagnostic"),
    ("AttributePath", "AttributePath"),
    ("RawState", "RawState"),
    ("ResourceIdentityData", "ResourceIdentityData"),
    ("ServerCapabilities", "ServerCapabilities"),
    ("ClientCapabilities", "ClientCapabilities"),
    ("Deferred", "Deferred"),
    ("UpgradeResourceState", "UpgradeResourceState"),
    ("ReadResource", "ReadResource"),
    ("ImportResourceState", "ImportResourceState"),
    ("GenerateResourceConfig", "GenerateResourceConfig"),
    ("ListResource", "ListResource"),
    ("ConfigureProvider", "Configure"),
    ("StopProvider", "Stop"),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "proto/tfplugin5.proto",
        "proto/tfplugin6.proto",
        "proto/grpc_controller.proto",
    ];
    for f in files {
        println!("cargo:rerun-if-changed={f}");
    }
    let fds = protox::compile(files, ["proto"])?;
    let mut builder = tonic_prost_build::configure()
        .build_client(true)
        .build_server(true);
    for (v6, v5) in SHARED {
        builder = builder.extern_path(
            format!(".tfplugin6.{v6}"),
            format!("crate::plugin::proto::tfplugin5::{v5}"),
        );
    }
    builder.compile_fds(fds)?;
    Ok(())
}
