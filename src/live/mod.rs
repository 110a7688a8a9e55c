//! Live discovery: what exists in the cloud, behind one entry point.
//!
//! Sources: `aws` (aws-sdk-ec2, bulk paginated Describe calls), `snapshot` (a JSON file
//! written by `discover`, for offline runs) and `provider` (any provider plugin: ReadResource,
//! ImportResourceState, ListResource).

pub mod aws;
pub mod provider;
pub mod snapshot;

/// Progress events for a spinner or the server's live updates.
#[derive(Debug, Clone)]
pub enum Progress {
    /// A listing of one type in one region finished with this many resources.
    Listed {
        /// Resource type.
        rtype: String,
        /// Region.
        region: String,
        /// Resources found.
        count: usize,
    },
    /// A long step started (`running terraform plan -refresh-only in DIR`), for the person
    /// waiting.
    Step(String),
}
