//! The baseline for the discovery benchmark: a bare paginated DescribeInstances loop with the
//! same SDK and client settings, counting instances. `bench/run.sh` times it next to
//! `terraform-drift discover --type aws_instance`.

#![expect(
    clippy::print_stdout,
    reason = "a benchmark helper: its result is its output"
)]

use aws_config::BehaviorVersion;

#[tokio::main]
async fn main() -> Result<(), aws_sdk_ec2::Error> {
    let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let client = aws_sdk_ec2::Client::new(&config);
    let mut pages = client
        .describe_instances()
        .max_results(1000)
        .into_paginator()
        .send();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        n += page?
            .reservations()
            .iter()
            .map(|r| r.instances().len())
            .sum::<usize>();
    }
    println!("{n}");
    Ok(())
}
