#!/usr/bin/env bash
# Rebuilds terraform.tfstate and live.json for real: terraform applies main.tf into moto,
# out-of-band changes are made with boto3, and `terraform-drift discover` snapshots the result.
# Needs what scripts/test.sh sets up (it is run once first if the moto venv is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[[ -x "$root/target/moto-venv/bin/moto_server" ]] || "$root/scripts/test.sh" --lib >/dev/null
export TF_CLI_CONFIG_FILE="$root/target/terraformrc"
py="$root/target/moto-venv/bin/python"
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/target/moto-venv/bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
work=$(mktemp -d)
trap 'kill $moto; rm -rf "$work"' EXIT
sleep 2
cp "$here/main.tf" "$work/"
cat > "$work/moto_override.tf" <<TF
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints {
    ec2 = "http://127.0.0.1:$port"
    sts = "http://127.0.0.1:$port"
  }
}
TF
(cd "$work" && terraform init -input=false >/dev/null && terraform apply -auto-approve -input=false >/dev/null)
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$port"
"$py" - "$work/terraform.tfstate" <<'PY'
import json, sys, boto3
state = json.load(open(sys.argv[1]))
ids = {f'{r["type"]}.{r["name"]}': r["instances"][0]["attributes"]["id"] for r in state["resources"]}
ec2 = boto3.client("ec2")
web = ids["aws_instance.web"]
ec2.stop_instances(InstanceIds=[web])
ec2.modify_instance_attribute(InstanceId=web, InstanceType={"Value": "t3.large"})
ec2.create_tags(Resources=[ids["aws_vpc.main"]], Tags=[{"Key": "Owner", "Value": "alice"}])
ec2.authorize_security_group_ingress(GroupId=ids["aws_security_group.web"], IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
ec2.delete_volume(VolumeId=ids["aws_ebs_volume.data"])
subnet = [r for r in state["resources"] if r["type"] == "aws_subnet"][0]["instances"][0]["attributes"]["id"]
ec2.run_instances(ImageId="ami-1e749f67", MinCount=1, MaxCount=1, SubnetId=subnet,
                  TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "debug-box"}]}])
ec2.create_security_group(GroupName="temp-ssh", Description="made by hand", VpcId=ids["aws_vpc.main"])
PY
cp "$work/terraform.tfstate" "$here/terraform.tfstate"
cargo run --quiet --manifest-path "$root/Cargo.toml" -- discover "$here" --region us-east-1 --out "$here/live.json"
