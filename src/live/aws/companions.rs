//! Objects AWS creates for yours (a VPC's main route table and default security group, an
//! instance's network interface and root volume), linked to their owner.

use super::*;

/// Joins resources listed separately: an instance's block devices become its
/// `root_block_device` and companions; interfaces of NAT gateways belong to them.
pub fn link_companions(resources: &mut [Resource]) {
    let mut volumes: HashMap<(String, String), usize> = HashMap::new();
    let mut enis: HashMap<(String, String), usize> = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        let key = (r.region.clone().unwrap_or_default(), r.id.clone());
        match r.rtype.as_str() {
            "aws_ebs_volume" => {
                volumes.insert(key, i);
            }
            "aws_network_interface" => {
                enis.insert(key, i);
            }
            _ => {}
        }
    }
    let mut links: Vec<(usize, Companion)> = Vec::new();
    let mut roots: Vec<(usize, Value)> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let region = r.region.clone().unwrap_or_default();
        match r.rtype.as_str() {
            "aws_instance" => {
                let devices = r.attributes.get("_block_devices");
                let Some(Value::Array(bds)) = devices.as_deref() else {
                    continue;
                };
                for bd in bds {
                    let vol = bd["volume_id"].as_str().unwrap_or_default().to_string();
                    let Some(&vi) = volumes.get(&(region.clone(), vol)) else {
                        continue;
                    };
                    links.push((
                        vi,
                        Companion {
                            owner_type: "aws_instance".into(),
                            owner_id: r.id.clone(),
                            dies_with_owner: bd["delete_on_termination"] == Value::Bool(true),
                            owner_attr: None,
                        },
                    ));
                    if bd["root"] == Value::Bool(true) {
                        let v = resources[vi].attributes.map();
                        let mut root = Map::new();
                        for (from, to) in [
                            ("size", "volume_size"),
                            ("type", "volume_type"),
                            ("encrypted", "encrypted"),
                        ] {
                            if let Some(x) = v.get(from) {
                                root.insert(to.into(), x.clone());
                            }
                        }
                        root.insert("volume_id".into(), json!(resources[vi].id));
                        root.insert(
                            "delete_on_termination".into(),
                            bd["delete_on_termination"].clone(),
                        );
                        roots.push((i, json!([root])));
                    }
                }
            }
            "aws_nat_gateway" => {
                if let Some(Value::String(eni)) =
                    r.attributes.get("network_interface_id").as_deref()
                    && let Some(&ei) = enis.get(&(region.clone(), eni.clone()))
                {
                    links.push((
                        ei,
                        Companion {
                            owner_type: "aws_nat_gateway".into(),
                            owner_id: r.id.clone(),
                            dies_with_owner: true,
                            owner_attr: None,
                        },
                    ));
                }
            }
            _ => {}
        }
    }
    for (i, c) in links {
        resources[i].companion_of = Some(c);
    }
    for (i, root) in roots {
        resources[i]
            .attributes
            .make_mut()
            .insert("root_block_device".into(), root);
    }
    for r in resources.iter_mut() {
        r.attributes.make_mut().remove("_block_devices");
    }
}
