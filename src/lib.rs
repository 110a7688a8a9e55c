//! terraform-drift: find and fix drift between Terraform and the real cloud.
//!
//! Data flows one way:
//!
//! ```text
//!  inputs (I/O, async)              pure core (sync, no I/O)                 outputs
//!  state   tfstate v4 / show -json ─┐
//!  config  *.tf via hcl-rs ─────────┼─> model ─> diff (catalog rules) ─> Report ─┬─> render
//!  live    aws-sdk-ec2, snapshot, ──┘                                            ├─> codegen (HCL)
//!          provider reads (plugin)                                               ├─> cloudwins
//!  plugin  tfplugin5/6 gRPC client                                               ├─> codewins (via
//!                  scan: gathers the inputs concurrently and calls diff          │     terraform)
//!                                                                                ├─> insight (security,
//!                                                                                │     compliance, costs)
//!                                                                                └─> server (run task, API,
//!                                                                                      live updates, dashboard)
//! ```
//!
//! Commands find their code by name: `scan` and `discover` in [`scan`], `codify` and `patch`
//! (cloud wins: the configuration takes the cloud's values) in [`cloudwins`] on top of the pure
//! HCL generation in [`codegen`], `remediate` (code wins: terraform puts the cloud back) in
//! [`codewins`], `serve` in [`server`]; [`cli`] parses arguments and is the only writer to the
//! terminal (`print_stdout`/`print_stderr` are denied everywhere else).
//!
//! A module only uses modules to its left: `model`, `catalog`, `diff`, `render`, `codegen` and
//! `insight` use no file system, process, network or runtime, and none of the modules that do
//! (`tests/architecture.rs` enforces it, file by file).

pub mod catalog;
pub mod cli;
pub mod cloudwins;
pub mod codegen;
pub mod codewins;
pub mod config;
pub mod diff;
pub mod fsutil;
pub mod input_file;
pub mod insight;
pub mod live;
pub mod model;
pub mod plugin;
pub mod render;
pub mod scan;
pub mod server;
pub mod state;
pub mod terraform;
