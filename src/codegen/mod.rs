//! Pure core of terraform-drift's remediation: turning unmanaged cloud objects into
//! Terraform configuration (`codify`), rewriting drifted literals in existing `.tf` files
//! (`patch`), and showing the result as a unified diff (`diff`).
//!
//! Nothing here touches the file system, the network or other processes, so every piece can
//! be tested with in-memory strings.

pub mod codify;
pub mod diff;
pub mod hclvalue;
pub mod patch;
