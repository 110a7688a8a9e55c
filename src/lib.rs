//! terraform-drift: find and fix drift between Terraform and the real cloud.
//!
//! Data flows one way:
//!
//! ```text
//!  inputs (I/O, async)              pure core (sync, no I/O)                 outputs
//!  state   tfstate v4 / show -json ─┐
//!  config  *.tf via hcl-rs ─────────┼─> model ─> diff (catalog rules) ─> Report ─┬─> render
//!  live    aws-sdk-ec2, snapshot, ──┘                                            ├─> remediate (HCL)
//!          provider reads (plugin)                                               ├─> adopt (cloud wins)
//!  plugin  tfplugin5/6 gRPC client                                               ├─> restore (code wins,
//!                  scan: gathers the inputs concurrently and calls diff          │     via terraform)
//!                                                                                ├─> insight (security,
//!                                                                                │     compliance, costs)
//!                                                                                └─> server (run task, API,
//!                                                                                      live updates, dashboard)
//! ```
//!
//! A module only uses modules to its left: `model`, `catalog`, `diff`, `render`, `remediate` and
//! `insight` never touch `live`, `plugin`, `terraform`, `scan`, `server` or `cli` (a unit test
//! in `scan` enforces it).

pub mod adopt;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diff;
pub mod fsutil;
pub mod input_file;
pub mod insight;
pub mod live;
pub mod model;
pub mod plugin;
pub mod remediate;
pub mod render;
pub mod restore;
pub mod scan;
pub mod server;
pub mod state;
pub mod terraform;
