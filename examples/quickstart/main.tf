# A small estate for the quickstart: `terraform-drift scan examples/quickstart` compares its
# state (terraform.tfstate) with a live snapshot (live.json, see .terraform-drift.toml), so it
# runs with no cloud account. regenerate.sh rebuilds both with terraform and moto.

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Name = "quickstart"
  }
}

resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 4, count.index)
  availability_zone = "us-east-1a"
  tags = {
    Name = "app-${count.index}"
  }
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "https from the office"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-1e749f67"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app[0].id
  vpc_security_group_ids = [aws_security_group.web.id]
  tags = {
    Name = "web"
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 10
  type              = "gp3"
  tags = {
    Name = "data"
  }
}
