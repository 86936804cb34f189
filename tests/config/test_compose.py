"""docker-compose.yml scales out as docs/scaling.md says, read as data (no Docker engine runs
here, so `docker compose up --scale web=3 --scale worker=4` itself is not run)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml

COMPOSE = yaml.safe_load((Path(__file__).parents[2] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SCALED = ("web", "worker", "worker-default")


def command(service: str) -> list[str]:
    return SERVICES[service]["command"]


def proxy_address() -> str:
    return SERVICES["proxy"]["networks"]["edge"]["ipv4_address"]


def queues(service: str) -> str:
    args = command(service)
    return args[args.index("-Q") + 1]


@pytest.mark.parametrize("service", SCALED)
def test_scaled_services_can_run_many_copies(service):
    spec = SERVICES[service]
    assert "container_name" not in spec  # a fixed name allows one container
    assert "ports" not in spec  # a host port allows one container; the proxy reaches them
    assert "private-files:/data/private" in spec["volumes"]  # PDFs shared by every copy


@pytest.mark.parametrize("service", [*SCALED, "beat", "migrate"])
def test_every_app_container_uses_the_shared_database_redis_and_proxy_setting(service):
    env = SERVICES[service]["environment"]
    assert env["DJANGO_ENV"] == "production"
    assert "@db:5432/" in env["DATABASE_URL"] and env["REDIS_URL"].startswith("redis://redis:")
    assert env["TRUSTED_PROXIES"] == proxy_address()  # nginx, and nothing else, in front


def test_pdf_work_never_shares_a_queue_with_the_short_jobs():
    assert queues("worker") == "summaries"
    assert queues("worker-default") == "default"


def test_there_is_exactly_one_beat_and_no_worker_runs_one():
    assert SERVICES["beat"]["deploy"]["replicas"] == 1
    for service in ("worker", "worker-default"):
        assert "beat" not in command(service) and "-B" not in command(service)


def test_the_proxy_is_the_only_way_in():
    production = {name: spec for name, spec in SERVICES.items() if "profiles" not in spec}
    published = [name for name, spec in production.items() if "ports" in spec]
    assert published == ["proxy"]


def test_the_developers_mail_inbox_is_opt_in_and_on_the_loopback_only():
    mailpit = SERVICES["mailpit"]
    assert mailpit["profiles"] == ["mail"]
    assert all(port.startswith("127.0.0.1:") for port in mailpit["ports"])


def test_only_the_proxy_and_the_web_replicas_share_the_edge_network():
    on_edge = [name for name, spec in SERVICES.items() if "edge" in spec.get("networks", ())]
    assert on_edge == ["web", "proxy"]
    assert list(SERVICES["proxy"]["networks"]) == ["edge"]  # the proxy never sees the database


def test_no_web_replica_can_be_given_the_proxys_address():
    (pool,) = COMPOSE["networks"]["edge"]["ipam"]["config"]
    subnet, dynamic = ipaddress.ip_network(pool["subnet"]), ipaddress.ip_network(pool["ip_range"])
    address = ipaddress.ip_address(proxy_address())
    assert address in subnet and address not in dynamic


def test_the_proxy_is_told_the_load_balancers_range_and_reads_the_template():
    proxy = SERVICES["proxy"]
    assert proxy["environment"]["LOAD_BALANCER_RANGE"].startswith("${LOAD_BALANCER_RANGE:?")
    assert (
        "./deploy/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro"
        in proxy["volumes"]
    )


def test_migrations_run_as_the_owner_and_everything_else_as_the_app_role():
    """The owner may change the audit trail's triggers; the app's role only adds to the trail
    (deploy/postgres-init/10-roles.sh, tests/audit/test_database_roles.py)."""
    roles = {
        name: spec["environment"]["DATABASE_URL"].split("//")[1].split(":")[0]
        for name, spec in SERVICES.items()
        if "DATABASE_URL" in spec.get("environment", {})
    }
    assert roles == {
        "migrate": "clinic_owner",
        **{name: "clinic_app" for name in (*SCALED, "web", "beat")},
    }
    assert "./deploy/postgres-init:/docker-entrypoint-initdb.d:ro" in SERVICES["db"]["volumes"]
    assert SERVICES["db"]["environment"]["POSTGRES_USER"] == "postgres"  # nobody's app role
