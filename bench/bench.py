"""terraform-drift benchmarks, side by side with Terraform, on one machine in one run.

Run through bench/run.sh (it builds the release binaries and sets up moto and terraform).
Sections (select with --only): estate, services, engine, config, discovery. Prints one table at the end.
"""

import argparse
import json
import os
import re
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "bench")
# BENCH_BIN points at another build (a debug binary, to try a section without a release build).
BIN = os.environ.get("BENCH_BIN") or os.path.join(ROOT, "target", "release", "terraform-drift")
LOOP = os.path.join(ROOT, "target", "release", "examples", "describe_loop")
AMI = "ami-1e749f67"
ROWS = []


def row(section, measure, ours, theirs, ratio, target, ok):
    ROWS.append((section, measure, ours, theirs, ratio, target, "yes" if ok else "NO"))


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- moto


class Moto:
    """A moto server kept alive between runs (its port and pid in WORK/<name>.json)."""

    def __init__(self, name, record=False):
        self.meta = os.path.join(WORK, f"{name}.json")
        self.record = os.path.join(WORK, f"{name}.recording")
        self.warm = False
        if os.path.exists(self.meta):
            m = json.load(open(self.meta))
            self.port, self.pid = m["port"], m["pid"]
            if self._alive():
                self.warm = True
                return
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        env = dict(os.environ, MOTO_RECORDER_FILEPATH=self.record)
        p = subprocess.Popen(
            [os.environ["MOTO_SERVER"], "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        self.pid = p.pid
        for _ in range(200):
            if self._alive():
                break
            time.sleep(0.1)
        else:
            raise SystemExit("moto did not start")
        json.dump({"port": self.port, "pid": self.pid}, open(self.meta, "w"))

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _alive(self):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/moto-api/", timeout=2)
            return True
        except Exception:
            return False

    def _api(self, path):
        req = urllib.request.Request(f"{self.url}/moto-api/recorder/{path}", method="POST")
        return urllib.request.urlopen(req, timeout=30).read()

    def count_requests(self, fn):
        """Runs fn() with moto's request recorder on; returns (result, requests seen)."""
        self._api("reset-recording")
        self._api("start-recording")
        try:
            result = fn()
        finally:
            self._api("stop-recording")
        data = urllib.request.urlopen(
            f"{self.url}/moto-api/recorder/download-recording", timeout=60
        ).read()
        lines = [l for l in data.splitlines() if l.strip()]
        ec2 = [l for l in lines if b"moto-api" not in l]
        return result, len(ec2)

    def ec2(self, region="us-east-1"):
        return boto3.client(
            "ec2",
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )


# ---------------------------------------------------------------- helpers


def timed(cmd, cwd=None, env=None, check=True):
    """Runs cmd; returns (seconds, peak RSS in MiB, completed process)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    elapsed = time.perf_counter() - start
    # communicate() reaped the child; its rusage is in RUSAGE_CHILDREN's max only, so read
    # the peak from /usr/bin/time when asked instead (see rss()).
    if check and p.returncode not in (0, 2):
        raise SystemExit(f"{cmd} failed ({p.returncode}):\n{err.decode()[-3000:]}")
    return elapsed, subprocess.CompletedProcess(cmd, p.returncode, out, err)


def rss_mib(cmd, cwd=None, env=None):
    """Peak RSS of one run of cmd, in MiB, measured by /usr/bin/time."""
    p = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, env=env, capture_output=True
    )
    return int(p.stderr.decode().strip().splitlines()[-1]) / 1024


def median_time(cmd, runs, cwd=None, env=None):
    times = []
    last = None
    for _ in range(runs):
        t, last = timed(cmd, cwd=cwd, env=env)
        times.append(t)
    return statistics.median(times), last


def drift_env(moto):
    return dict(
        os.environ,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL=moto.url,
        AWS_REGION="us-east-1",
    )


def fmt_s(x):
    return f"{x:.2f} s" if x >= 0.1 else f"{x * 1000:.0f} ms"


# ---------------------------------------------------------------- 1+2: estate


def provider_hcl(url, services):
    """The AWS provider block pointing every service in `services` (and STS) at moto."""
    endpoints = "\n".join(f'    {s} = "{url}"' for s in ("sts",) + tuple(services))
    return f"""
provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints {{
{endpoints}
  }}
}}
"""


def estate_config(url, n):
    """About n managed resources, written the way public modules write them: VPCs with an
    internet gateway, a route table and its default route as an `aws_route`, subnets with their
    route table associations, security groups whose rules are separate `aws_security_group_rule`
    resources, instances, volumes, EIPs, DHCP options and their associations, network ACLs; and
    one type the native lister does not know (`aws_network_acl_association`), which the default
    scan reads through the AWS provider."""
    vpcs = 4
    # Per VPC: gateway, route table, route, DHCP options and association, ACL and association.
    fixed = vpcs * 7
    per = (n - fixed) // 7
    subnets, sgs, instances, volumes = per, per, per, per
    eips = n - fixed - 7 * per
    return provider_hcl(url, ("ec2",)) + f"""
resource "aws_vpc" "v" {{
  count      = {vpcs}
  cidr_block = "10.${{count.index}}.0.0/16"
  tags       = {{ Name = "bench-${{count.index}}" }}
}}

resource "aws_internet_gateway" "gw" {{
  count  = {vpcs}
  vpc_id = aws_vpc.v[count.index].id
}}

resource "aws_route_table" "rt" {{
  count  = {vpcs}
  vpc_id = aws_vpc.v[count.index].id
}}

resource "aws_route" "out" {{
  count                  = {vpcs}
  route_table_id         = aws_route_table.rt[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.gw[count.index].id
}}

resource "aws_vpc_dhcp_options" "o" {{
  count               = {vpcs}
  domain_name_servers = ["AmazonProvidedDNS"]
}}

resource "aws_vpc_dhcp_options_association" "o" {{
  count           = {vpcs}
  vpc_id          = aws_vpc.v[count.index].id
  dhcp_options_id = aws_vpc_dhcp_options.o[count.index].id
}}

resource "aws_network_acl" "acl" {{
  count  = {vpcs}
  vpc_id = aws_vpc.v[count.index].id
}}

resource "aws_network_acl_association" "acl" {{
  count          = {vpcs}
  network_acl_id = aws_network_acl.acl[count.index].id
  subnet_id      = aws_subnet.s[count.index].id
}}

resource "aws_route_table_association" "a" {{
  count          = {subnets}
  subnet_id      = aws_subnet.s[count.index].id
  route_table_id = aws_route_table.rt[count.index % {vpcs}].id
}}

resource "aws_security_group_rule" "r" {{
  count             = {sgs}
  security_group_id = aws_security_group.g[count.index].id
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}}

resource "aws_subnet" "s" {{
  count      = {subnets}
  vpc_id     = aws_vpc.v[count.index % {vpcs}].id
  cidr_block = "10.${{count.index % {vpcs}}}.${{floor(count.index / {vpcs}) * 16}}.0/20"
  tags       = {{ Name = "bench-${{count.index}}", Tier = "app" }}
}}

resource "aws_security_group" "g" {{
  count       = {sgs}
  name        = "bench-${{count.index}}"
  description = "bench"
  vpc_id      = aws_vpc.v[count.index % {vpcs}].id
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}

resource "aws_instance" "i" {{
  count                  = {instances}
  ami                    = "{AMI}"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.s[count.index].id
  vpc_security_group_ids = [aws_security_group.g[count.index].id]
  tags                   = {{ Name = "bench-${{count.index}}" }}
}}

resource "aws_ebs_volume" "d" {{
  count             = {volumes}
  availability_zone = "us-east-1a"
  size              = 10
  tags              = {{ Name = "bench-${{count.index}}" }}
}}

resource "aws_eip" "e" {{
  count  = {eips}
  domain = "vpc"
}}
"""


def tf(args, cwd, check=True):
    p = subprocess.run(
        ["terraform"] + args, cwd=cwd, capture_output=True, env=dict(os.environ, TF_IN_AUTOMATION="1")
    )
    if check and p.returncode not in (0, 2):
        raise SystemExit(f"terraform {args} failed:\n{p.stderr.decode()[-3000:]}")
    return p


def state_ids(cwd):
    show = json.loads(tf(["show", "-json"], cwd).stdout)
    return {r["address"]: r["values"]["id"] for r in show["values"]["root_module"]["resources"]}


def bench_estate(args):
    moto = Moto("estate")
    d = os.path.join(WORK, "estate")
    marker = os.path.join(d, "oob-done")
    if not (moto.warm and os.path.exists(marker)):
        log(f"building an estate of {args.estate} resources in moto (terraform apply)")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        open(os.path.join(d, "main.tf"), "w").write(estate_config(moto.url, args.estate))
        tf(["init", "-input=false"], d)
        t0 = time.perf_counter()
        tf(["apply", "-auto-approve", "-input=false", "-parallelism=20"], d)
        # The parents' state copies of parts other resources manage (a group's rules, a
        # table's routes) were written before those parts existed: one refresh brings the state
        # level with the cloud, so Terraform's own report below is about the changes alone.
        tf(["apply", "-refresh-only", "-auto-approve", "-input=false"], d)
        log(f"applied in {time.perf_counter() - t0:.0f} s; making out-of-band changes")
        ids = state_ids(d)
        ec2 = moto.ec2()
        for i in (0, 1):
            iid = ids[f"aws_instance.i[{i}]"]
            ec2.stop_instances(InstanceIds=[iid])
            ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t3.large"})
        for i in (2, 3, 4):
            ec2.create_tags(Resources=[ids[f"aws_subnet.s[{i}]"]], Tags=[{"Key": "Owner", "Value": "oob"}])
        ec2.authorize_security_group_ingress(
            GroupId=ids["aws_security_group.g[5]"],
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
        ec2.delete_volume(VolumeId=ids["aws_ebs_volume.d[6]"])
        # A rule a separate resource manages, revoked: that rule is missing, its group is not
        # changed.
        ec2.revoke_security_group_ingress(
            GroupId=ids["aws_security_group.g[7]"],
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
        )
        open(marker, "w").write("ok")
    else:
        log("reusing the warm estate")
    managed = len(state_ids(d))
    env = drift_env(moto)
    env.pop("AWS_ENDPOINT_URL")  # the provider block's endpoints { ec2 } is used, like a user would

    ours_cmd = [BIN, "scan", d, "--format", "json"]
    t_ours, ours = median_time(ours_cmd, args.runs, env=env)
    report = json.loads(ours.stdout)
    (_, ours_calls) = moto.count_requests(lambda: timed(ours_cmd, env=env))

    plan = ["plan", "-refresh-only", "-input=false", "-lock=false", "-out=refresh.tfplan"]
    t_tf, _ = median_time(["terraform"] + plan, args.runs, cwd=d)
    (_, tf_calls) = moto.count_requests(lambda: tf(plan, d))
    drift = json.loads(tf(["show", "-json", "refresh.tfplan"], d).stdout).get("resource_drift", [])

    def empty(v):
        return v in (None, "", [], {})

    # The oracle's one noise rule, written here: the rule each `aws_security_group_rule.r[i]`
    # adds to `aws_security_group.g[i]` (22/tcp from 10.0.0.0/8) is that rule's business, not
    # the group's (a revoked rule is reported once, as the rule); any other change of the
    # group's `ingress` is the group's.
    separate = {a.replace("aws_security_group_rule.r", "aws_security_group.g")
                for a in state_ids(d) if a.startswith("aws_security_group_rule.r[")}

    def without_managed_rule(rules):
        out = []
        for r in rules or []:
            r = dict(r)
            if r.get("protocol") == "tcp" and r.get("from_port") == 22 and r.get("to_port") == 22:
                r["cidr_blocks"] = [c for c in r.get("cidr_blocks") or [] if c != "10.0.0.0/8"]
            if any(r.get(k) for k in ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups", "self")):
                out.append(json.dumps(r, sort_keys=True))
        return sorted(out)
    theirs = set()
    for e in drift:
        b, a = e["change"]["before"], e["change"]["after"]
        if e["change"]["actions"] == ["delete"]:
            theirs.add(e["address"])
            continue
        real = [k for k in b if b.get(k) != a.get(k) and not (empty(b.get(k)) and empty(a.get(k)))]
        if e["address"] in separate and "ingress" in real:
            if without_managed_rule(b.get("ingress")) == without_managed_rule(a.get("ingress")):
                real.remove("ingress")
        if real:
            theirs.add(e["address"])
    ours_set = {x["address"] for x in report["drift"] if x["kind"] in ("changed", "missing")}
    same = ours_set == theirs
    if not same:
        log(f"findings differ: only ours {sorted(ours_set - theirs)}, only terraform {sorted(theirs - ours_set)}")
    ratio = t_tf / t_ours
    row("scan (default: auto) vs refresh",
        f"{managed} resources, mixed (EC2 family natively, network ACL associations through the "
        f"provider), "
        f"{len(ours_set)} drifted (same findings: {'yes' if same else 'NO'})",
        fmt_s(t_ours), fmt_s(t_tf), f"{ratio:.1f}x faster", ">= 10x", ratio >= 10 and same)
    # --live provider: the AWS provider itself reads every managed object (ReadResource).
    cache = os.path.join(WORK, "schema-cache")
    penv = dict(env, TF_DRIFT_CACHE_DIR=cache)
    prov_cmd = [BIN, "-v", "scan", d, "--format", "json", "--live", "provider"]
    shutil.rmtree(cache, ignore_errors=True)
    _, cold = timed(prov_cmd, env=penv)
    t_prov, prov = median_time(prov_cmd, args.runs, env=penv)
    prov_report = json.loads(prov.stdout)
    prov_set = {x["address"] for x in prov_report["drift"] if x["kind"] in ("changed", "missing")}
    prov_same = prov_set == theirs

    def logged(run, message, field):
        text = re.sub(r"\x1b\[[0-9;]*m", "", run.stderr.decode(errors="replace"))
        for line in text.splitlines():
            if message in line and f"{field}=" in line:
                return int(line.split(f"{field}=")[1].split()[0])
        return None

    schema_cold = logged(cold, "schema loaded", "elapsed_ms")
    schema_warm = logged(prov, "schema loaded", "elapsed_ms")
    read_ms = logged(prov, "read through the provider", "elapsed_ms")
    read_n = logged(prov, "read through the provider", "resources")
    ratio = t_tf / t_prov
    row("scan --live provider vs refresh", f"{managed} resources (same findings: {'yes' if prov_same else 'NO'})",
        fmt_s(t_prov), fmt_s(t_tf), f"{ratio:.1f}x faster", "same findings", prov_same)
    if schema_cold is not None and schema_warm is not None:
        row("provider schema load", "AWS provider 5.100 GetProviderSchema, cold / cached",
            f"{schema_cold} ms / {schema_warm} ms", "", "", "", True)
    if read_ms and read_n:
        row("provider reads", "UpgradeResourceState + ReadResource against moto",
            f"{read_n / (read_ms / 1000):.0f} reads/s", "", "", "", True)
    per = ours_calls / managed
    row("API calls", "requests per managed resource (one listing call per type and region, one read per "
        "resource of a type read through the provider)", f"{per:.3f} ({ours_calls})",
        f"{tf_calls / managed:.2f} ({tf_calls})", f"{tf_calls / max(ours_calls, 1):.0f}x fewer", "<= 0.1", per <= 0.1)


# ---------------------------------------------------------------- 2b: services


SERVICES_BENCH = ("ec2", "iam", "sqs", "kms", "logs", "ecr", "lambda", "elasticloadbalancing", "route53",
                  "autoscaling")


def services_config(url, k):
    """19 * k + 3 managed resources over ten services, written the way their public modules
    write them (for_each over maps, policies and attachments as their own resources)."""
    services = ("ec2", "iam", "sqs", "kms", "logs", "ecr", "lambda", "elbv2", "route53", "autoscaling")
    return provider_hcl(url, services) + f"""
locals {{
  n = {{ for i in range({k}) : format("s%02d", i) => i }}
}}

resource "aws_vpc" "v" {{
  cidr_block = "10.0.0.0/16"
}}

resource "aws_subnet" "s" {{
  for_each          = local.n
  vpc_id            = aws_vpc.v.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, each.value)
  availability_zone = "us-east-1a"
  tags              = {{ Name = each.key }}
}}

resource "aws_security_group" "g" {{
  for_each = local.n
  name     = each.key
  vpc_id   = aws_vpc.v.id
}}

resource "aws_security_group_rule" "https" {{
  for_each          = local.n
  security_group_id = aws_security_group.g[each.key].id
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}}

resource "aws_iam_role" "r" {{
  for_each = local.n
  name     = "svc-${{each.key}}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
}}

resource "aws_iam_policy" "p" {{
  for_each = local.n
  name     = "svc-${{each.key}}"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["sqs:SendMessage"], Resource = aws_sqs_queue.q[each.key].arn }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "a" {{
  for_each   = local.n
  role       = aws_iam_role.r[each.key].name
  policy_arn = aws_iam_policy.p[each.key].arn
}}

resource "aws_sqs_queue" "q" {{
  for_each                   = local.n
  name                       = "jobs-${{each.key}}"
  visibility_timeout_seconds = 60
}}

resource "aws_sqs_queue" "dlq" {{
  for_each = local.n
  name     = "jobs-${{each.key}}-dlq"
}}

resource "aws_kms_key" "k" {{
  for_each                = local.n
  description             = "data ${{each.key}}"
  deletion_window_in_days = 7
}}

resource "aws_kms_alias" "k" {{
  for_each      = local.n
  name          = "alias/data-${{each.key}}"
  target_key_id = aws_kms_key.k[each.key].key_id
}}

resource "aws_cloudwatch_log_group" "l" {{
  for_each          = local.n
  name              = "/svc/${{each.key}}"
  retention_in_days = 30
}}

resource "aws_cloudwatch_log_metric_filter" "errors" {{
  for_each       = local.n
  name           = "errors"
  log_group_name = aws_cloudwatch_log_group.l[each.key].name
  pattern        = "ERROR"
  metric_transformation {{
    name      = "errors-${{each.key}}"
    namespace = "svc"
    value     = "1"
  }}
}}

resource "aws_ecr_repository" "e" {{
  for_each     = local.n
  name         = "svc/${{each.key}}"
  force_delete = true
}}

resource "aws_ecr_lifecycle_policy" "e" {{
  for_each   = local.n
  repository = aws_ecr_repository.e[each.key].name
  policy = jsonencode({{
    rules = [{{ rulePriority = 1, selection = {{ tagStatus = "any", countType = "imageCountMoreThan", countNumber = 20 }}, action = {{ type = "expire" }} }}]
  }})
}}

resource "aws_lambda_function" "f" {{
  for_each         = local.n
  function_name    = "svc-${{each.key}}"
  role             = aws_iam_role.r[each.key].arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${{path.module}}/handler.zip"
  source_code_hash = filebase64sha256("${{path.module}}/handler.zip")
}}

resource "aws_lambda_alias" "live" {{
  for_each         = local.n
  name             = "live"
  function_name    = aws_lambda_function.f[each.key].function_name
  function_version = "$LATEST"
}}

resource "aws_lb_target_group" "t" {{
  for_each = local.n
  name     = "svc-${{each.key}}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.v.id
}}

resource "aws_route53_zone" "z" {{
  name = "svc.example.com"
}}

resource "aws_route53_record" "r" {{
  for_each = local.n
  zone_id  = aws_route53_zone.z.zone_id
  name     = "${{each.key}}.svc.example.com"
  type     = "A"
  ttl      = 300
  records  = ["192.0.2.${{each.value + 1}}"]
}}

resource "aws_launch_template" "w" {{
  name_prefix   = "svc-"
  image_id      = "{AMI}"
  instance_type = "t3.micro"
}}

resource "aws_autoscaling_group" "w" {{
  for_each            = local.n
  name                = "svc-${{each.key}}"
  min_size            = 0
  max_size            = 2
  desired_capacity    = 0
  vpc_zone_identifier = [aws_subnet.s[each.key].id]
  launch_template {{
    id      = aws_launch_template.w.id
    version = "$Latest"
  }}
}}
"""


class Throttler:
    """A proxy in front of moto that answers the first attempt of every request to one service
    with a throttling error (half its requests), and forwards everything else (`service=None`:
    forwards everything, the baseline through the same proxy)."""

    def __init__(self, upstream, service):
        import http.server
        import threading
        import hashlib
        import http.client

        seen, lock = set(), threading.Lock()
        self.throttled = 0
        outer = self
        up = urllib.parse.urlparse(upstream)

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                auth = self.headers.get("Authorization") or ""
                scope = auth.split("Credential=")[1].split(",")[0].split("/") if "Credential=" in auth else []
                svc = scope[3] if len(scope) > 3 else ""
                key = hashlib.sha256(self.path.encode() + (self.headers.get("X-Amz-Target") or "").encode() + body).hexdigest()
                if svc == service:
                    with lock:
                        first = key not in seen
                        seen.add(key)
                        if first:
                            outer.throttled += 1
                    if first:
                        out = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
                        self.send_response(400)
                        self.send_header("Content-Type", "application/x-amz-json-1.1")
                        self.send_header("x-amzn-ErrorType", "ThrottlingException")
                        self.send_header("Content-Length", str(len(out)))
                        self.end_headers()
                        self.wfile.write(out)
                        return
                c = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
                # moto builds queue URLs from the Host it was sent: keep moto's own.
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "host")}
                headers["Host"] = f"{up.hostname}:{up.port}"
                c.request(self.command, self.path, body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                c.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def listing_times(run):
    """Per type, the longest listing the scan logged (`-v`), in ms."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", run.stderr.decode(errors="replace"))
    out = {}
    for line in text.splitlines():
        if "listing done" in line:
            f = {k: v.strip('"') for k, v in re.findall(r"(\w+)=(\S+)", line)}
            out[f["rtype"]] = max(out.get(f["rtype"], 0), int(f["elapsed_ms"]))
    return out


def requests_by_service(lines):
    """Recorded moto requests counted by the service their signature names."""
    counts = {}
    for l in lines:
        try:
            h = json.loads(l).get("headers") or {}
        except ValueError:
            continue
        auth = h.get("Authorization") or h.get("authorization") or ""
        svc = auth.split("Credential=")[1].split("/")[3] if "Credential=" in auth else "?"
        counts[svc] = counts.get(svc, 0) + 1
    return counts


def bench_services(args):
    moto = Moto("services")
    d = os.path.join(WORK, "services")
    marker = os.path.join(d, "oob-done")
    k = -(-(args.services - 3) // 19)  # 19 resources per key, 3 shared
    if not (moto.warm and os.path.exists(marker)):
        log(f"building a {19 * k + 3}-resource estate over ten services in moto (terraform apply)")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        import zipfile
        with zipfile.ZipFile(os.path.join(d, "handler.zip"), "w") as z:
            z.writestr("index.py", "def handler(e, c):\n    return e\n")
        open(os.path.join(d, "main.tf"), "w").write(services_config(moto.url, k))
        tf(["init", "-input=false"], d)
        t0 = time.perf_counter()
        tf(["apply", "-auto-approve", "-input=false", "-parallelism=20"], d)
        tf(["apply", "-refresh-only", "-auto-approve", "-input=false"], d)
        log(f"applied in {time.perf_counter() - t0:.0f} s; making out-of-band changes")
        ids = state_ids(d)
        c = lambda svc: boto3.client(svc, region_name="us-east-1", endpoint_url=moto.url,
                                     aws_access_key_id="test", aws_secret_access_key="test")
        ec2, iam, sqs, kms, logs = c("ec2"), c("iam"), c("sqs"), c("kms"), c("logs")
        ecr, lam, elb, r53, asg = c("ecr"), c("lambda"), c("elbv2"), c("route53"), c("autoscaling")
        # One change and one deletion per service.
        ec2.create_tags(Resources=[ids['aws_subnet.s["s00"]']], Tags=[{"Key": "Owner", "Value": "oob"}])
        ec2.revoke_security_group_ingress(
            GroupId=ids['aws_security_group.g["s01"]'],
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        iam.update_role(RoleName="svc-s00", Description="changed by hand")
        iam.detach_role_policy(RoleName="svc-s01", PolicyArn=ids['aws_iam_policy.p["s01"]'])
        sqs.set_queue_attributes(QueueUrl=ids['aws_sqs_queue.q["s00"]'], Attributes={"VisibilityTimeout": "300"})
        sqs.delete_queue(QueueUrl=ids['aws_sqs_queue.dlq["s01"]'])
        kms.update_key_description(KeyId=ids['aws_kms_key.k["s00"]'], Description="changed by hand")
        kms.delete_alias(AliasName="alias/data-s01")
        logs.put_retention_policy(logGroupName="/svc/s00", retentionInDays=7)
        logs.delete_metric_filter(logGroupName="/svc/s01", filterName="errors")
        ecr.put_image_tag_mutability(repositoryName="svc/s00", imageTagMutability="IMMUTABLE")
        ecr.delete_lifecycle_policy(repositoryName="svc/s01")
        lam.update_function_configuration(FunctionName="svc-s00", Timeout=30)
        lam.delete_alias(FunctionName="svc-s01", Name="live")
        elb.modify_target_group(TargetGroupArn=ids['aws_lb_target_group.t["s00"]'], HealthCheckPath="/healthz")
        elb.delete_target_group(TargetGroupArn=ids['aws_lb_target_group.t["s01"]'])
        zone = ids["aws_route53_zone.z"]
        for action, name, ip in (("UPSERT", "s00", "198.51.100.1"), ("DELETE", "s01", "192.0.2.2")):
            r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{
                "Action": action, "ResourceRecordSet": {"Name": f"{name}.svc.example.com", "Type": "A", "TTL": 300,
                                                        "ResourceRecords": [{"Value": ip}]}}]})
        asg.update_auto_scaling_group(AutoScalingGroupName="svc-s00", MaxSize=4)
        asg.delete_auto_scaling_group(AutoScalingGroupName="svc-s01", ForceDelete=True)
        open(marker, "w").write("ok")
    else:
        log("reusing the warm services estate")
    managed = len(state_ids(d))
    env = drift_env(moto)
    env.pop("AWS_ENDPOINT_URL")
    ours_cmd = [BIN, "-v", "scan", d, "--format", "json"]
    t_ours, ours = median_time(ours_cmd, args.runs, env=env)
    report = json.loads(ours.stdout)

    def recorded(fn):
        moto._api("reset-recording")
        moto._api("start-recording")
        try:
            fn()
        finally:
            moto._api("stop-recording")
        data = urllib.request.urlopen(f"{moto.url}/moto-api/recorder/download-recording", timeout=60).read()
        return [l for l in data.splitlines() if l.strip() and b"moto-api" not in l]

    ours_calls = requests_by_service(recorded(lambda: timed(ours_cmd, env=env)))
    plan = ["plan", "-refresh-only", "-input=false", "-lock=false", "-out=refresh.tfplan"]
    t_tf, _ = median_time(["terraform"] + plan, args.runs, cwd=d)
    tf_calls = requests_by_service(recorded(lambda: tf(plan, d)))
    drift = json.loads(tf(["show", "-json", "refresh.tfplan"], d).stdout).get("resource_drift", [])

    def empty(v):
        return v in (None, "", [], {})

    # The oracle's noise rules, written here: a group's copy of the rule a separate
    # `aws_security_group_rule` manages is that rule's business; a role's copy of the policies
    # attachments manage is theirs, and so is a policy's count of them.
    theirs = set()
    for e in drift:
        b, a = e["change"]["before"], e["change"]["after"]
        if e["change"]["actions"] == ["delete"]:
            theirs.add(e["address"])
            continue
        real = [k for k in b if b.get(k) != a.get(k) and not (empty(b.get(k)) and empty(a.get(k)))]
        if e["address"].startswith("aws_security_group.g["):
            real = [k for k in real if k != "ingress"]
        if e["address"].startswith("aws_iam_role.r["):
            real = [k for k in real if k != "managed_policy_arns"]
        if e["address"].startswith("aws_iam_policy.p["):
            real = [k for k in real if k != "attachment_count"]
        if real:
            theirs.add(e["address"])
    ours_set = {x["address"] for x in report["drift"] if x["kind"] in ("changed", "missing")}
    same = ours_set == theirs
    if not same:
        log(f"findings differ: only ours {sorted(ours_set - theirs)}, only terraform {sorted(theirs - ours_set)}")
    ratio = t_tf / t_ours
    row("services: scan (default) vs refresh",
        f"{managed} resources over {len(SERVICES_BENCH)} services, {len(ours_set)} drifted "
        f"(same findings: {'yes' if same else 'NO'})",
        fmt_s(t_ours), fmt_s(t_tf), f"{ratio:.1f}x faster", ">= 10x", ratio >= 10 and same)
    per_service = {}
    for svc in SERVICES_BENCH:
        n = sum(1 for a in state_ids(d) if service_of_address(a) == svc)
        per_service[svc] = n
        ours_n, tf_n = ours_calls.get(svc, 0), tf_calls.get(svc, 0)
        row("services: API calls", f"{svc}: requests per managed resource ({n} resources)",
            f"{ours_n / max(n, 1):.2f} ({ours_n})", f"{tf_n / max(n, 1):.2f} ({tf_n})",
            f"{tf_n / max(ours_n, 1):.0f}x fewer", "", True)

    # One service throttled: half its requests (each first attempt) refused as throttling,
    # against a run through the same proxy with nothing refused.
    def through(service):
        proxy = Throttler(moto.url, service)
        try:
            return (*timed(ours_cmd, env=dict(env, AWS_ENDPOINT_URL=proxy.url)), proxy.throttled)
        finally:
            proxy.stop()

    t_base, base, _ = through(None)
    base_times = listing_times(base)
    t_thr, thr, throttled = through("logs")
    thr_report = json.loads(thr.stdout)
    thr_set = {x["address"] for x in thr_report["drift"] if x["kind"] in ("changed", "missing")}
    thr_times = listing_times(thr)
    logs_types = [t for t in thr_times if t.startswith("aws_cloudwatch_log")]
    others = [t for t in thr_times if t not in logs_types and t in base_times]
    slow_logs = max(thr_times[t] for t in logs_types) if logs_types else 0
    base_logs = max(base_times.get(t, 0) for t in logs_types) if logs_types else 0
    complete = thr.returncode == 2 and not thr_report.get("partial") and thr_set == ours_set
    if not complete:
        log(f"throttled run: exit {thr.returncode}, partial {thr_report.get('partial')}, "
            f"alerts {thr_report.get('alerts')}, differs by {sorted(thr_set ^ ours_set)}")
    others_base = max((base_times[t] for t in others), default=0)
    others_thr = max((thr_times[t] for t in others), default=0)
    row("services: one service throttled",
        f"logs: {throttled} requests answered ThrottlingException and retried; its slowest listing "
        f"{base_logs} -> {slow_logs} ms, the other services' slowest {others_base} -> {others_thr} ms; "
        f"complete, same findings: {'yes' if complete else 'NO'}",
        fmt_s(t_thr), fmt_s(t_base) + " (same proxy, nothing throttled)", "",
        "others <= +25% + 250 ms; complete", complete and others_thr <= 1.25 * others_base + 250)


def service_of_address(address):
    t = address.split(".")[0]
    for prefix, svc in (("aws_iam_", "iam"), ("aws_sqs_", "sqs"), ("aws_kms_", "kms"), ("aws_cloudwatch_log", "logs"),
                        ("aws_ecr_", "ecr"), ("aws_lambda_", "lambda"), ("aws_lb", "elasticloadbalancing"),
                        ("aws_route53_", "route53"), ("aws_autoscaling_", "autoscaling")):
        if t.startswith(prefix):
            return svc
    return "ec2"


# ---------------------------------------------------------------- 3: engine


def instance_attrs(i, rnd):
    sub = f"subnet-{i % 997:017x}"
    sg = f"sg-{i % 499:017x}"
    return {
        "ami": "ami-0abcdef1234567890",
        "arn": f"arn:aws:ec2:us-east-1:123456789012:instance/i-{i:017x}",
        "associate_public_ip_address": False,
        "availability_zone": "us-east-1a",
        "capacity_reservation_specification": [{"capacity_reservation_preference": "open", "capacity_reservation_target": []}],
        "cpu_options": [{"amd_sev_snp": "", "core_count": 1, "threads_per_core": 2}],
        "credit_specification": [{"cpu_credits": "unlimited"}],
        "disable_api_stop": False,
        "disable_api_termination": False,
        "ebs_block_device": [],
        "ebs_optimized": False,
        "enclave_options": [{"enabled": False}],
        "ephemeral_block_device": [],
        "get_password_data": False,
        "hibernation": False,
        "host_id": "",
        "iam_instance_profile": "",
        "id": f"i-{i:017x}",
        "instance_initiated_shutdown_behavior": "stop",
        "instance_state": "running",
        "instance_type": "t3.micro",
        "ipv6_address_count": 0,
        "ipv6_addresses": [],
        "key_name": "deploy",
        "launch_template": [],
        "maintenance_options": [{"auto_recovery": "default"}],
        "metadata_options": [{"http_endpoint": "enabled", "http_protocol_ipv6": "disabled", "http_put_response_hop_limit": 2,
                              "http_tokens": "required", "instance_metadata_tags": "disabled"}],
        "monitoring": False,
        "network_interface": [],
        "outpost_arn": "",
        "password_data": "",
        "placement_group": "",
        "primary_network_interface_id": f"eni-{i:017x}",
        "private_dns": f"ip-10-0-{i % 250}-{i % 200}.ec2.internal",
        "private_ip": f"10.{i % 250}.{(i // 250) % 250}.{i % 200 + 4}",
        "public_dns": "",
        "public_ip": "",
        "root_block_device": [{"delete_on_termination": True, "device_name": "/dev/xvda", "encrypted": True, "iops": 3000,
                               "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/abcd", "tags": {}, "tags_all": {},
                               "throughput": 125, "volume_id": f"vol-{i:017x}", "volume_size": 8, "volume_type": "gp3"}],
        "secondary_private_ips": [],
        "security_groups": [],
        "source_dest_check": True,
        "subnet_id": sub,
        "tags": {"Name": f"web-{i}", "Team": rnd.choice(["a", "b", "c"])},
        "tags_all": {"Name": f"web-{i}", "Team": "a", "Env": "prod"},
        "tenancy": "default",
        "timeouts": None,
        "user_data": None,
        "user_data_replace_on_change": False,
        "volume_tags": None,
        "vpc_security_group_ids": [sg],
    }


def synth(n):
    """A v4 state with n instances (in count blocks of 100) and a live snapshot with 1% drift."""
    st = os.path.join(WORK, f"state-{n}.tfstate")
    lv = os.path.join(WORK, f"live-{n}.json")
    if os.path.exists(st) and os.path.exists(lv):
        return st, lv
    log(f"generating a {n}-resource state and snapshot")
    rnd = random.Random(n)
    resources, live = [], []
    for b in range(n // 100):
        insts = []
        for k in range(100):
            i = b * 100 + k
            a = instance_attrs(i, rnd)
            a["tags_all"] = dict(a["tags"], Env="prod")
            insts.append({"index_key": k, "schema_version": 1, "attributes": a, "sensitive_attributes": [],
                          "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ==", "dependencies": []})
            la = {"ami": a["ami"], "instance_type": a["instance_type"], "instance_state": "running",
                  "availability_zone": a["availability_zone"], "subnet_id": a["subnet_id"], "key_name": a["key_name"],
                  "private_ip": a["private_ip"], "ebs_optimized": False, "source_dest_check": True, "monitoring": False,
                  "tenancy": "default", "vpc_security_group_ids": a["vpc_security_group_ids"],
                  "metadata_options": a["metadata_options"], "tags": a["tags_all"],
                  "root_block_device": [{"volume_size": 8, "volume_type": "gp3", "encrypted": True,
                                         "volume_id": a["root_block_device"][0]["volume_id"], "delete_on_termination": True}]}
            if i % 100 == 0:
                la["instance_type"] = "t3.large"
            live.append({"type": "aws_instance", "id": a["id"], "region": "us-east-1", "attributes": la})
        resources.append({"mode": "managed", "type": "aws_instance", "name": f"web{b}",
                          "provider": 'provider["registry.terraform.io/hashicorp/aws"]', "instances": insts})
    json.dump({"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "bench", "outputs": {},
               "resources": resources, "check_results": None}, open(st, "w"))
    json.dump({"format_version": "1", "types": ["aws_instance"], "resources": live}, open(lv, "w"))
    return st, lv


def bench_engine(args):
    d = os.path.join(WORK, "engine")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "main.tf"), "w").write('provider "aws" {\n  region = "us-east-1"\n}\n')
    if not os.path.isdir(os.path.join(d, ".terraform")):
        tf(["init", "-input=false"], d)
    for n in args.engine_sizes:
        st, lv = synth(n)
        size_mb = os.path.getsize(st) / 2**20
        cmd = [BIN, "scan", d, "--state", st, "--live", lv, "--format", "json", "--out", os.devnull]
        t_ours, _ = median_time(cmd, args.runs)
        rss = rss_mib(cmd)
        t_tf, _ = median_time(["terraform", "show", "-json", st], 1, cwd=d)
        ratio = t_tf / t_ours
        ok = ratio >= 5 and (n < 100_000 or (t_ours <= 1.0 and rss <= 1024))
        row("engine", f"{n} resources ({size_mb:.0f} MB state): parse + diff, peak RSS {rss:.0f} MiB",
            fmt_s(t_ours), fmt_s(t_tf) + " (show -json)", f"{ratio:.1f}x faster",
            ">= 5x; 100k <= 1 s, <= 1 GB", ok)
    bench_unmanaged(args)


def bench_unmanaged(args):
    """Peak memory of a scan whose snapshot is all unmanaged resources, against the file's size
    (the report is larger than the snapshot, so it is streamed, not held as one string)."""
    n = args.unmanaged
    d = os.path.join(WORK, "unmanaged")
    os.makedirs(d, exist_ok=True)
    st, lv = os.path.join(d, "empty.tfstate"), os.path.join(d, f"live-{n}.json")
    json.dump({"version": 4, "serial": 1, "lineage": "bench", "resources": []}, open(st, "w"))
    if not os.path.exists(lv):
        log(f"generating a snapshot of {n} unmanaged instances")
        rnd = random.Random(n)
        live = []
        for i in range(n):
            a = instance_attrs(i, rnd)
            live.append({"type": "aws_instance", "id": a["id"], "region": "us-east-1",
                         "attributes": {k: a[k] for k in ("ami", "instance_type", "subnet_id", "private_ip",
                                                          "metadata_options", "root_block_device", "tags")}})
        json.dump({"format_version": "1", "types": ["aws_instance"], "resources": live}, open(lv, "w"))
    size_mib = os.path.getsize(lv) / 2**20
    out = os.path.join(d, "report.json")
    rss = rss_mib([BIN, "scan", d, "--state", st, "--live", lv, "--format", "json", "--out", out])
    row("engine", f"{n} unmanaged ({size_mib:.0f} MiB snapshot, {os.path.getsize(out) / 2**20:.0f} MiB report): peak RSS",
        f"{rss:.0f} MiB", "-", f"{rss / size_mib:.1f}x the snapshot", "<= 3.5x", rss <= 3.5 * size_mib)


# ---------------------------------------------------------------- 4: config


def bench_config(args):
    """Reading the configuration scales linearly with its blocks (it was quadratic: every
    block's line was counted from the start of its file)."""
    times = {}
    for n in args.config_sizes:
        d = os.path.join(WORK, f"config-{n}")
        os.makedirs(d, exist_ok=True)
        tf_file = os.path.join(d, "main.tf")
        if not os.path.exists(tf_file):
            with open(tf_file, "w") as f:
                for i in range(n):
                    f.write(f'resource "aws_vpc" "v{i}" {{\n  cidr_block = "10.{i % 256}.0.0/16"\n'
                            f'  tags = {{\n    Name = "v{i}"\n  }}\n}}\n\n')
        st, lv = os.path.join(d, "empty.tfstate"), os.path.join(d, "empty.json")
        json.dump({"version": 4, "serial": 1, "lineage": "bench", "resources": []}, open(st, "w"))
        json.dump({"format_version": "1", "types": [], "resources": []}, open(lv, "w"))
        cmd = [BIN, "scan", d, "--state", st, "--live", lv, "--format", "json", "--out", os.devnull]
        times[n], _ = median_time(cmd, args.runs)
    small, large = min(times), max(times)
    growth = times[large] / max(times[small], 1e-3)
    ok = growth <= 2 * large / small
    row("config", f"{large} resource blocks read vs {small}", fmt_s(times[large]), fmt_s(times[small]),
        f"{growth:.1f}x for {large // small}x the blocks", "linear (<= 2x the block ratio)", ok)


# ---------------------------------------------------------------- 5: discovery


def bench_discovery(args):
    moto = Moto("discovery")
    ec2 = moto.ec2()
    have = sum(len(r["Instances"]) for p in ec2.get_paginator("describe_instances").paginate(MaxResults=1000)
               for r in p["Reservations"])
    if have < args.instances:
        log(f"creating {args.instances - have} instances in moto (once; reused while moto runs)")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/17")["Subnet"]["SubnetId"]
        while have < args.instances:
            k = min(100, args.instances - have)
            ec2.run_instances(ImageId=AMI, MinCount=k, MaxCount=k, SubnetId=subnet)
            have += k
    env = drift_env(moto)
    d = os.path.join(WORK, "discovery")
    os.makedirs(d, exist_ok=True)
    out = os.path.join(d, "live.json")
    ours_cmd = [BIN, "discover", d, "--region", "us-east-1", "--type", "aws_instance", "--out", out]
    # Alternate the two so a moto slowdown over time hits both alike.
    t_ours, t_loop, p = [], [], None
    for _ in range(args.discovery_runs):
        t_ours.append(timed(ours_cmd, env=env)[0])
        t, p = timed([LOOP], env=env)
        t_loop.append(t)
    t_ours, t_loop = statistics.median(t_ours), statistics.median(t_loop)
    assert int(p.stdout.decode().strip()) == have, p.stdout
    listed = sum(1 for r in json.load(open(out))["resources"] if r["type"] == "aws_instance")
    ratio = t_ours / t_loop
    row("discovery", f"{have} instances in moto (listed {listed})", fmt_s(t_ours), fmt_s(t_loop) + " (bare loop)",
        f"{ratio:.2f}x the loop", "<= 1.1x", ratio <= 1.1 and listed == have)


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", choices=["estate", "services", "engine", "config", "discovery"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--estate", type=int, default=240)
    ap.add_argument("--services", type=int, default=1000,
                    help="at least this many resources in the ten-service estate")
    ap.add_argument("--engine-sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--unmanaged", type=int, default=300_000)
    ap.add_argument("--config-sizes", type=int, nargs=2, default=[10_000, 100_000])
    ap.add_argument("--instances", type=int, default=10_000)
    ap.add_argument("--discovery-runs", type=int, default=3,
                    help="both sides are moto-bound (~14 s per 10k listing) and moto's pace varies by 10%%")
    ap.add_argument("--stop", action="store_true", help="stop the warm moto servers and exit")
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    if args.stop:
        for name in ("estate", "services", "discovery"):
            meta = os.path.join(WORK, f"{name}.json")
            if os.path.exists(meta):
                try:
                    os.kill(json.load(open(meta))["pid"], signal.SIGTERM)
                except ProcessLookupError:
                    pass
                os.remove(meta)
        return
    sections = args.only or ["estate", "services", "engine", "config", "discovery"]
    if "estate" in sections:
        bench_estate(args)
    if "services" in sections:
        bench_services(args)
    if "engine" in sections:
        bench_engine(args)
    if "config" in sections:
        bench_config(args)
    if "discovery" in sections:
        bench_discovery(args)
    cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t")
    print(f"\nmachine: {os.cpu_count()} cores, {cpu}; medians of {args.runs} runs "
          f"({args.discovery_runs} for discovery)\n")
    head = ("section", "measure", "terraform-drift", "alternative", "ratio", "target", "met")
    widths = [max(len(str(r[i])) for r in ROWS + [head]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in ROWS:
        print(line(r))


if __name__ == "__main__":
    main()
