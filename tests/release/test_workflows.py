"""The publish and release workflows, run step by step as GitHub's runner would, against a local origin.

A scratch clone of a local bare repository (`origin.git`) stands in for the runner's checkout. Each
`run:` step of the job runs in order with bash, in the clone, with the environment the runner gives
(GITHUB_* variables, CI=true, the step's and the job's `env:`), every `${{ ... }}` expression taken
from a small context; an expression the context does not know fails the test. `uses:` steps, and the
steps that need the internet, are replaced by local equivalents listed below by name:

- actions/checkout: the scratch clone itself (full history, at the pushed commit or tag);
- actions/setup-python: nothing (the Python running the tests);
- softprops/action-gh-release: the files it would attach must exist;
- "Install Quarto 1.7.34 (quarto-cli from PyPI)": Quarto on the PATH where available. Where it is,
  the `quarto` case runs the build step as written; where it is not, that case is skipped and the
  `builtin` case runs it with `--engine builtin` in that one command (one of the two, never both).

The install step (`make .venv/.installed`) runs as written: `.venv` in the clone is a link to the
environment running the tests, the clone's pyproject.toml and constraints.txt are dated just before
that environment's stamp, and make is first asked (`make -q`, `make -n`) to confirm that it would do
nothing, so it never runs pip there. The `test` job (`make test`) is the suite this file is part of;
it is checked, not run.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from ibsa_report.sources import SITE, copy_sources

from conftest import ROOT

WORKFLOWS = Path(".github") / "workflows"
QUARTO_VERSION = "1.7.34"
# Steps that need the internet, by name; each is replaced by "Quarto on the PATH where available".
NEEDS_INTERNET = {f"Install Quarto {QUARTO_VERSION} (quarto-cli from PyPI)"}
# The actions the jobs use, by name, and what stands in for each here.
ACTIONS = {
    "actions/checkout": "the scratch clone of origin.git (full history)",
    "actions/setup-python": "nothing: the Python running the tests",
    "softprops/action-gh-release": "the files it would attach exist",
}
INSTALL = "make .venv/.installed"
STAMP = ".venv/.installed"
BUILD = "ibsa-report build --engine quarto"
OWNER, NAME = "example-owner", "ibsa-report"
SITE_URL = f"https://{OWNER}.github.io/{NAME}/"
NEW_NAME = "Bedfordshire Police Service"  # the data change: a force renamed (test_release.py makes it too)

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
WORKFLOW_KEYS = {"name", True, "permissions", "defaults", "jobs"}  # yaml reads the key `on` as True
JOB_KEYS = {"runs-on", "timeout-minutes", "permissions", "concurrency", "needs", "env", "steps", "defaults"}
STEP_KEYS = {"name", "run", "uses", "with", "env", "shell"}  # anything else (if:, working-directory, ...) is refused
# GitHub's commands for `shell:` on Linux (unspecified: bash -e {0}; bash: with pipefail and no rc files).
SHELLS = {None: ["bash", "-e"], "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"]}

# One scenario runs, never both: the build step as written where Quarto is on the PATH, else with
# --engine builtin; the other case is skipped with its reason, so a substitution is never a silent pass.
QUARTO_ON_PATH = shutil.which("quarto") is not None
ENGINES = [
    pytest.param("quarto", id="quarto", marks=pytest.mark.skipif(not QUARTO_ON_PATH, reason="quarto is not on the PATH")),
    pytest.param("builtin", id="builtin", marks=pytest.mark.skipif(
        QUARTO_ON_PATH, reason="quarto is on the PATH: the quarto case runs the build step as written")),
]


# --- The runner -------------------------------------------------------------------------------------


class Refused(AssertionError):
    """The job uses something this runner does not know; teach it (and say what GitHub does) first."""


class JobFailed(AssertionError):
    """A step exited non-zero, as it would fail the job on GitHub."""

    def __init__(self, step: str, output: str) -> None:
        tail = "\n".join(output.strip().splitlines()[-30:])
        super().__init__(f"step {step!r} failed:\n{tail}")
        self.step = step
        self.output = output


@dataclass
class Step:
    """One step as the runner will take it: what runs, or what stands in for it."""

    name: str
    kind: str  # "run", "action" or "internet"
    run: str = ""
    shell: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    action: str = ""
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass
class JobRun:
    """What running a job did: per step, what was done and what it printed."""

    done: list[tuple[str, str]] = field(default_factory=list)
    output: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def load(workspace: Path, workflow: str) -> dict:
    return yaml.safe_load((workspace / WORKFLOWS / workflow).read_text(encoding="utf-8"))


def substitute(value: object, context: dict[str, str]) -> object:
    """Replace each ${{ expr }} in value (strings, lists, mappings) from context; refuse any other."""
    if isinstance(value, dict):
        return {key: substitute(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, context) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        if expr not in context:
            raise Refused(f"${{{{ {expr} }}}} is not in the test's context: add it, with the value the runner gives")
        return context[expr]

    return EXPRESSION.sub(one, value)


def step_name(step: dict) -> str:
    """The step's name as GitHub shows it."""
    if "name" in step:
        return step["name"]
    if "uses" in step:
        return step["uses"]
    return "Run " + step["run"].strip().splitlines()[0]


def plan(workflow: dict, job_id: str, context: dict[str, str]) -> list[Step]:
    """Read the job's steps, refusing, before anything runs, whatever this runner does not know."""
    if unknown := set(workflow) - WORKFLOW_KEYS:
        raise Refused(f"workflow keys {sorted(unknown, key=str)} are not handled by this runner")
    job = workflow["jobs"][job_id]
    if unknown := set(job) - JOB_KEYS:
        raise Refused(f"job {job_id}: keys {sorted(unknown)} are not handled by this runner")
    job = substitute(job, context)  # every expression in the job, not only those in the steps
    job_env = {k: str(v) for k, v in job.get("env", {}).items()}
    default_shell = (job.get("defaults") or workflow.get("defaults") or {}).get("run", {}).get("shell")
    steps = []
    for step in job["steps"]:
        name = step_name(step)
        if unknown := set(step) - STEP_KEYS:
            raise Refused(f"step {name!r}: keys {sorted(unknown)} are not handled by this runner")
        env = {**job_env, **{k: str(v) for k, v in step.get("env", {}).items()}}
        if name in NEEDS_INTERNET:
            steps.append(Step(name, "internet", run=step.get("run", ""), env=env))
        elif "uses" in step:
            action = step["uses"].split("@")[0]
            if action not in ACTIONS:
                raise Refused(f"step {name!r}: action {action} has no local equivalent in ACTIONS")
            steps.append(Step(name, "action", action=action, inputs=step.get("with", {}) or {}))
        else:
            shell = step.get("shell", default_shell)
            if shell not in SHELLS:
                raise Refused(f"step {name!r}: shell {shell!r} is not handled by this runner")
            steps.append(Step(name, "run", run=step["run"], shell=SHELLS[shell], env=env))
    return steps


def runner_env(workspace: Path, ref: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return the expression context and the environment GitHub's runner gives a job for ref."""
    ref_type, ref_name = ("tag", ref.removeprefix("refs/tags/")) if ref.startswith("refs/tags/") else \
        ("branch", ref.removeprefix("refs/heads/"))
    runner = workspace.parent / f"{workspace.name}-runner"
    (runner / "home").mkdir(parents=True)
    (runner / "temp").mkdir()
    context = {
        "github.repository_owner": OWNER,
        "github.event.repository.name": NAME,
        "github.repository": f"{OWNER}/{NAME}",
        "github.workspace": str(workspace),
        "github.ref": ref,
        "github.ref_name": ref_name,
        # The job's token: only the steps that fetch from or push to GitHub get it, in their env. Here origin is
        # a local path, so the auth header those steps give git (for https://github.com/ only) is not sent.
        "github.token": "ghs_not-a-real-token",
    }
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(runner / "home"),  # a fresh home: no git identity or settings but the workflow's
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": f"{OWNER}/{NAME}",
        "GITHUB_REPOSITORY_OWNER": OWNER,
        "GITHUB_REF": ref,
        "GITHUB_REF_NAME": ref_name,
        "GITHUB_REF_TYPE": ref_type,
        "GITHUB_ENV": str(runner / "env"),
        "GITHUB_PATH": str(runner / "path"),
        "RUNNER_TEMP": str(runner / "temp"),
        # On the runner `make .venv/.installed` installs the checkout's package (editable); here .venv is
        # the environment running the tests, so the checkout's scripts/ come first on the path instead.
        "PYTHONPATH": str(workspace / "scripts"),
    }
    return context, env


def make_would_do_nothing(workspace: Path, env: dict[str, str]) -> str:
    """Return make's dry-run output for the install target; fail unless make would run nothing."""
    question = subprocess.run(["make", "-q", STAMP], cwd=workspace, env=env, capture_output=True, text=True)
    dry = subprocess.run(["make", "-n", STAMP], cwd=workspace, env=env, capture_output=True, text=True)
    assert question.returncode == 0 and "pip" not in dry.stdout and "is up to date" in dry.stdout, (
        f"make would install into the environment running the tests:\n{dry.stdout}{dry.stderr}")
    return dry.stdout.strip()


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a GITHUB_ENV file: NAME=value lines and NAME<<DELIMITER blocks."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[key] = "\n".join(lines[i + 1:end])
            i = end + 1
        else:
            key, value = line.split("=", 1)
            values[key] = value
            i += 1
    return values


def run_job(workspace: Path, workflow: str, job_id: str, ref: str, engine: str) -> JobRun:
    """Run the job's steps in workspace as the runner would; raise JobFailed at the first failing step."""
    context, env = runner_env(workspace, ref)
    loaded = load(workspace, workflow)
    steps = plan(loaded, job_id, context)
    timeout = 60 * loaded["jobs"][job_id].get("timeout-minutes", 360)  # GitHub's default is 360 minutes
    result = JobRun()
    for number, step in enumerate(steps):
        if step.kind == "action":
            result.done.append((step.name, stand_in(step, workspace)))
            continue
        if step.kind == "internet":
            found = shutil.which("quarto", path=env["PATH"])
            assert engine == "builtin" or found, "the quarto case needs quarto on the PATH"
            result.done.append((step.name, f"not run (needs the internet); Quarto on the PATH: {found or 'none'}"))
            continue
        script, how = step.run, "ran"
        if BUILD in script and engine == "builtin":
            assert script.count(BUILD) == 1
            script, how = script.replace(BUILD, "ibsa-report build --engine builtin"), "ran with --engine builtin"
        step_env = {**env, **step.env}
        if INSTALL in script:
            how = f"ran ({make_would_do_nothing(workspace, step_env)})"
        path = Path(env["RUNNER_TEMP"]) / f"step-{number}.sh"
        path.write_text(script, encoding="utf-8")
        started = time.monotonic()
        done = subprocess.run([*step.shell, str(path)], cwd=workspace, env=step_env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=timeout)
        result.seconds[step.name] = time.monotonic() - started
        result.output[step.name] = done.stdout
        if done.returncode != 0:
            raise JobFailed(step.name, done.stdout)
        result.done.append((step.name, how))
        # What a step writes to $GITHUB_ENV and $GITHUB_PATH applies to the steps after it.
        env.update(read_env_file(Path(env["GITHUB_ENV"])))
        added = Path(env["GITHUB_PATH"]).read_text(encoding="utf-8").splitlines() if Path(env["GITHUB_PATH"]).exists() else []
        env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        for name in ("GITHUB_ENV", "GITHUB_PATH"):
            Path(env[name]).unlink(missing_ok=True)
    return result


def stand_in(step: Step, workspace: Path) -> str:
    """Do what stands in for an action here; return what was done."""
    if step.action == "actions/checkout":
        assert set(step.inputs) <= {"fetch-depth", "persist-credentials"}, step.inputs
        if step.inputs.get("fetch-depth") == 0:
            assert git(workspace, "rev-parse", "--is-shallow-repository") == "false"
        return ACTIONS[step.action]
    if step.action == "actions/setup-python":
        assert set(step.inputs) == {"python-version"}
        wanted = tuple(int(part) for part in str(step.inputs["python-version"]).split("."))
        assert sys.version_info[:len(wanted)] >= wanted, f"the tests run Python {sys.version}, older than {wanted}"
        return ACTIONS[step.action] + f" ({sys.version.split()[0]})"
    if step.action == "softprops/action-gh-release":
        assert set(step.inputs) == {"files"}
        files = step.inputs["files"].split()
        for name in files:
            assert (workspace / name).is_file() and (workspace / name).stat().st_size > 0, f"{name} is not there"
        return ACTIONS[step.action] + ": " + ", ".join(files)
    raise Refused(step.action)


# --- Git and the scratch repositories ----------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


def git_bytes(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True).stdout


def blobs(repo: Path, ref: str, path: str = "") -> dict[str, str]:
    """Return {file: blob id} in ref, under path."""
    lines = git(repo, "ls-tree", "-r", ref, *([path] if path else [])).splitlines()
    return {line.split("\t", 1)[1]: line.split()[2] for line in lines}


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def environment():
    """The environment running the tests, which each clone's .venv links to; its make stamp is left as found.

    make must see .venv/.installed as up to date in the clone, so the clone's pyproject.toml and
    constraints.txt are dated just before the stamp. Where the stamp is missing (an environment not
    made by make), it is created for the module and removed afterwards.
    """
    prefix = Path(sys.prefix)
    if prefix == Path(sys.base_prefix):
        pytest.skip("the tests are not running in a virtual environment, which the clones' .venv would link to")
    stamp = prefix / ".installed"
    created = not stamp.exists()
    if created:
        stamp.touch()
    yield prefix
    if created:
        stamp.unlink(missing_ok=True)


def checkout(origin: Path, workspace: Path, ref: str, environment: Path) -> Path:
    """What actions/checkout (fetch-depth: 0) leaves: a clone of origin at ref, plus the environment's link."""
    subprocess.run(["git", "clone", "-q", str(origin), str(workspace)], check=True, capture_output=True)
    git(workspace, "checkout", "-q", ref)
    (workspace / ".venv").symlink_to(environment, target_is_directory=True)
    with (workspace / ".git" / "info" / "exclude").open("a", encoding="utf-8") as exclude:
        exclude.write(".venv\n")  # .gitignore's `.venv/` does not match a link
    stamp = (environment / ".installed").stat().st_mtime
    for name in ("pyproject.toml", "constraints.txt"):
        os.utime(workspace / name, (stamp - 1, stamp - 1))
    return workspace


@dataclass(frozen=True)
class History:
    """The developer's repository: the commits pushed to origin, in order."""

    path: Path
    start: str
    release: str  # tagged v1.0.0
    change: str   # a force renamed after the release


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """A developer's repository: the project, then release 1.0.0 cut with `ibsa-report release`, then a data change."""
    repo = copy_sources(ROOT, tmp_path_factory.mktemp("developer") / "ibsa-report")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "user.name", "Test")
    start = commit_all(repo, "Start")

    log = repo / "CHANGELOG.md"
    log.write_text(log.read_text(encoding="utf-8").replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n## [1.0.0]\n\n- First release.\n", 1), encoding="utf-8")
    config = repo / "_quarto.yml"  # a release needs the site's and the repository's real addresses
    config.write_text(config.read_text(encoding="utf-8").replace(
        "\nwebsite:\n", f'\nwebsite:\n  site-url: "{SITE_URL}"\n  repo-url: "https://github.com/{OWNER}/{NAME}"\n', 1),
        encoding="utf-8")
    commit_all(repo, "Changelog and addresses for 1.0.0")
    command = Path(sys.executable).with_name("ibsa-report")
    done = subprocess.run([str(command), "release", "1.0.0", "--engine", "builtin"], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(repo / "scripts")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(repo, "tag") == "v1.0.0"
    release = git(repo, "rev-parse", "HEAD")

    forces = repo / "data" / "forces.csv"
    text = forces.read_text(encoding="utf-8")
    assert text.count("Bedfordshire Police,") == 1
    forces.write_text(text.replace("Bedfordshire Police,", f"{NEW_NAME},"), encoding="utf-8")
    change = commit_all(repo, "Rename a force")
    return History(repo, start, release, change)


@dataclass(frozen=True)
class Scenario:
    """Three jobs run against one origin: publish main, release v1.0.0, publish main after a data change."""

    engine: str
    origin: Path
    workspaces: tuple[Path, Path, Path]
    runs: tuple[JobRun, JobRun, JobRun]
    pages: tuple[str, str, str]  # origin's gh-pages after each job


def quarto_version() -> str:
    return subprocess.run(["quarto", "--version"], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module", params=ENGINES)
def scenario(request: pytest.FixtureRequest, history: History, environment: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """Push the developer's commits to a bare origin one by one, running the job each push triggers."""
    engine = request.param
    if engine == "quarto" and (found := quarto_version()) != QUARTO_VERSION:
        pytest.skip(f"quarto on the PATH is {found}; the workflows publish with {QUARTO_VERSION}")
    base = tmp_path_factory.mktemp(f"workflows-{engine}")
    origin = base / "origin.git"
    git(base, "init", "-q", "--bare", "-b", "main", str(origin))

    def push(*refspecs: str) -> None:
        git(history.path, "push", "-q", str(origin), *refspecs)

    def gh_pages() -> str:
        return git(origin, "rev-parse", "refs/heads/gh-pages")

    push(f"{history.start}:refs/heads/main")
    first = checkout(origin, base / "publish-1" / NAME, "main", environment)
    run1 = run_job(first, "publish.yml", "publish", "refs/heads/main", engine)
    pages1 = gh_pages()

    push(f"{history.release}:refs/heads/main", "refs/tags/v1.0.0")
    tagged = checkout(origin, base / "release" / NAME, "v1.0.0", environment)
    run2 = run_job(tagged, "release.yml", "release", "refs/tags/v1.0.0", engine)
    pages2 = gh_pages()

    push(f"{history.change}:refs/heads/main")
    second = checkout(origin, base / "publish-2" / NAME, "main", environment)
    run3 = run_job(second, "publish.yml", "publish", "refs/heads/main", engine)
    for label, run in zip(("publish main", "release v1.0.0", "publish main again"), (run1, run2, run3)):
        print(f"{label}: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in run.seconds.items()))
    return Scenario(engine, origin, (first, tagged, second), (run1, run2, run3), (pages1, pages2, gh_pages()))


# --- The scenario -----------------------------------------------------------------------------------


def chapters() -> list[str]:
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    return [item["href"].replace(".qmd", ".html") for item in config["website"]["navbar"]["left"]]


def zipped(origin: Path, ref: str, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(git_bytes(origin, "show", ref))) as archive:
        return archive.read(name)


def test_the_publish_job_puts_the_built_site_on_origins_gh_pages(scenario: Scenario) -> None:
    origin, workspace, pages = scenario.origin, scenario.workspaces[0], scenario.pages[0]
    assert re.search(rf"with the {scenario.engine} engine in \d+\.\d s$", scenario.runs[0].output["Build with Quarto"].strip())
    tree = blobs(origin, pages)
    for name in [*chapters(), "versions.json", ".nojekyll", "sitemap.xml", "downloads/ibsa-report-data.zip",
                 "downloads/citation.bib"]:
        assert name in tree, f"{name} is not on gh-pages"
    assert any(re.fullmatch(r"downloads/[a-z0-9-]+\.csv", name) for name in tree)
    assert not any(name.startswith("v/") for name in tree)
    # The tree is exactly the site the job built, and the site's address is the repository's Pages address.
    site = workspace / SITE
    assert tree == {p.relative_to(site).as_posix(): blob_id(p.read_bytes())
                    for p in sorted(site.rglob("*")) if p.is_file()}
    assert f"<loc>{SITE_URL}" in git(origin, "show", f"{pages}:sitemap.xml")
    assert json.loads(git(origin, "show", f"{pages}:versions.json")) == {"latest": "0.1.0", "versions": []}


def test_the_release_job_archives_the_tag_and_attaches_the_zips(scenario: Scenario, history: History) -> None:
    origin, workspace, (pages1, pages2, _) = scenario.origin, scenario.workspaces[1], scenario.pages
    assert git(workspace, "rev-parse", "HEAD") == history.release
    assert git(origin, "rev-parse", f"{pages2}^") == pages1
    tree = blobs(origin, pages2)
    assert "v/1.0.0/index.html" in tree and all(f"v/1.0.0/{name}" in tree for name in chapters())
    assert '<meta name="robots" content="noindex">' in git(origin, "show", f"{pages2}:v/1.0.0/index.html")
    assert json.loads(git(origin, "show", f"{pages2}:versions.json")) == {
        "latest": "1.0.0", "versions": [{"version": "1.0.0", "path": "v/1.0.0/"}]}

    data = (workspace / "ibsa-report-data-v1.0.0.zip").read_bytes()
    assert blob_id(data) == tree["downloads/ibsa-report-data.zip"] == tree["v/1.0.0/downloads/ibsa-report-data.zip"]
    with zipfile.ZipFile(workspace / "ibsa-report-site-v1.0.0.zip") as site:
        names = set(site.namelist())
    assert {"index.html", "versions.json", *chapters()} <= names
    assert not any(name.startswith("v/") for name in names), "the site zip holds the archives"
    assert scenario.runs[1].done[-1] == ("Create the GitHub Release with the dataset and the site",
                                         ACTIONS["softprops/action-gh-release"]
                                         + ": ibsa-report-data-v1.0.0.zip, ibsa-report-site-v1.0.0.zip")


def test_a_data_change_is_republished_with_the_archive_intact(scenario: Scenario) -> None:
    origin, (_, pages2, pages3) = scenario.origin, scenario.pages
    assert git(origin, "rev-parse", f"{pages3}^") == pages2, "the second publish is not a new commit on gh-pages"
    before, after = blobs(origin, pages2), blobs(origin, pages3)
    assert {k: v for k, v in after.items() if k.startswith("v/")} == {
        k: v for k, v in before.items() if k.startswith("v/")}, "archived 1.0.0 changed"
    assert NEW_NAME not in git(origin, "show", f"{pages2}:chapters/charging.html")
    assert NEW_NAME in git(origin, "show", f"{pages3}:chapters/charging.html")
    assert NEW_NAME.encode() in zipped(origin, f"{pages3}:downloads/ibsa-report-data.zip", "forces.csv")
    assert NEW_NAME.encode() not in zipped(origin, f"{pages3}:v/1.0.0/downloads/ibsa-report-data.zip", "forces.csv")
    assert json.loads(git(origin, "show", f"{pages3}:versions.json"))["versions"] == [
        {"version": "1.0.0", "path": "v/1.0.0/"}]


def test_each_step_ran_or_was_replaced_by_its_listed_equivalent(scenario: Scenario) -> None:
    build = "ran" if scenario.engine == "quarto" else "ran with --engine builtin"
    quarto = shutil.which("quarto") or "none"
    for run, workflow, job in zip(scenario.runs, ["publish.yml", "release.yml", "publish.yml"],
                                  ["publish", "release", "publish"]):
        steps = load(ROOT, workflow)["jobs"][job]["steps"]
        assert [name for name, _ in run.done] == [step_name(s) for s in steps]
        for step, (name, how) in zip(steps, run.done):
            if "uses" in step:
                assert how.startswith(ACTIONS[step["uses"].split("@")[0]])
            elif name in NEEDS_INTERNET:
                assert how == f"not run (needs the internet); Quarto on the PATH: {quarto}"
            elif BUILD in step["run"]:
                assert how == build
            elif step["run"] == INSTALL:
                assert how.startswith("ran (make: ") and f"{STAMP}' is up to date" in how
            else:
                assert how == "ran"


# --- Checks that run nothing --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflows() -> dict[str, dict]:
    return {name: load(ROOT, name) for name in ("publish.yml", "release.yml")}


def test_publish_needs_the_test_job_which_runs_the_readme_test_command(workflows: dict[str, dict]) -> None:
    jobs = workflows["publish.yml"]["jobs"]
    assert set(jobs) == {"test", "publish"} and jobs["publish"]["needs"] == "test"
    runs = [step["run"] for step in jobs["test"]["steps"] if "run" in step]
    assert runs == [INSTALL, "make test"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make test +# ", readme, re.M), "the README's test command is not `make test`"
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1] == "make test"


def test_each_job_asks_for_the_least_permissions(workflows: dict[str, dict]) -> None:
    assert workflows["publish.yml"]["permissions"] == {} and workflows["release.yml"]["permissions"] == {}
    jobs = {**workflows["publish.yml"]["jobs"], **workflows["release.yml"]["jobs"]}
    assert {job_id: job["permissions"] for job_id, job in jobs.items()} == {
        "test": {"contents": "read"}, "publish": {"contents": "write"}, "release": {"contents": "write"}}
    for job_id in ("publish", "release"):
        assert jobs[job_id]["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_no_checkout_leaves_the_token_in_git_config_and_only_the_git_steps_get_it(workflows: dict[str, dict]) -> None:
    """The build runs the chapters' code: a token in .git/config (checkout's default) would be readable there."""
    jobs = {**workflows["publish.yml"]["jobs"], **workflows["release.yml"]["jobs"]}
    for job_id, job in jobs.items():
        checkouts = [step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@")]
        assert [step["with"]["persist-credentials"] for step in checkouts] == [False], job_id
        given = [step_name(step) for step in job["steps"] if "github.token" in json.dumps(step)]
        assert given == ([] if job_id == "test" else
                         ["Fetch the Pages branch (archived versions live there)", "Push gh-pages"]), job_id


USES = re.compile(r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<ref>\S+)(?P<comment>.*)$")


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it() -> None:
    found = []
    for name in ("publish.yml", "release.yml"):
        for line in (ROOT / WORKFLOWS / name).read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(?:- )?uses:", line):
                match = USES.match(line)
                assert match and re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{name}: not pinned to a commit: {line}"
                assert re.fullmatch(r"  # v\d+\.\d+\.\d+", match["comment"]), f"{name}: no '  # vX.Y.Z': {line}"
                found.append(match["action"])
    assert sorted(set(found)) == sorted(ACTIONS)


def test_zizmor_finds_nothing_above_informational() -> None:
    """zizmor (pinned in constraints.txt), offline, ignoring no finding: nothing low, medium or high."""
    zizmor = Path(sys.executable).with_name("zizmor")
    assert zizmor.is_file(), "zizmor is not installed (pip install -c constraints.txt -e '.[test]')"
    done = subprocess.run([str(zizmor), "--offline", "--no-ignores", "--no-exit-codes", "--no-progress",
                           "--min-severity", "low", "--format", "json", str(ROOT / WORKFLOWS)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    findings = [f"{finding['ident']} ({finding['determinations']['severity']}): {finding['desc']}: "
                + finding["locations"][0]["concrete"]["feature"].splitlines()[0]
                for finding in json.loads(done.stdout)]
    assert findings == []


def test_both_workflows_publish_with_the_pinned_quarto(workflows: dict[str, dict]) -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert extras["quarto"] == [f"quarto-cli=={QUARTO_VERSION}"]
    for name, job_id in (("publish.yml", "publish"), ("release.yml", "release")):
        steps = workflows[name]["jobs"][job_id]["steps"]
        by_name = {step_name(step): step for step in steps}
        install = by_name[f"Install Quarto {QUARTO_VERSION} (quarto-cli from PyPI)"]
        assert set(by_name) & NEEDS_INTERNET == NEEDS_INTERNET
        assert "-c constraints.txt -e '.[quarto]'" in install["run"]
        assert f'test "$version" = "{QUARTO_VERSION}"' in install["run"]
        builds = [step for step in steps if BUILD in step.get("run", "")]
        assert len(builds) == 1, f"{name}: one step builds with Quarto"
        assert builds[0]["run"].startswith("source .venv/bin/activate\n")
        assert builds[0]["env"]["QUARTO_PYTHON"] == "${{ github.workspace }}/.venv/bin/python"
        names = [step_name(step) for step in steps]
        assert names.index(install["name"]) < names.index(step_name(builds[0]))


def test_the_workflows_run_on_the_pushes_the_scenario_makes(history: History, workflows: dict[str, dict]) -> None:
    """The data change triggers publish (its paths filter), the tag triggers release."""
    on = workflows["publish.yml"][True]
    changed = git(history.path, "diff", "--name-only", history.release, history.change).splitlines()
    assert changed == ["data/forces.csv"]

    def matches(pattern: str, path: str) -> bool:  # GitHub's globs: * stops at /, ** does not
        regex = re.escape(pattern).replace(r"\*\*", "\0").replace(r"\*", "[^/]*").replace("\0", ".*")
        return re.fullmatch(regex, path) is not None

    assert on["push"]["branches"] == ["main"]
    assert all(any(matches(p, path) for p in on["push"]["paths"]) for path in changed)
    assert not any(matches(p, "README.md") for p in on["push"]["paths"])
    assert any(matches(p, "v1.0.0") for p in workflows["release.yml"][True]["push"]["tags"])


def test_the_install_step_would_not_touch_the_environment(tmp_path: Path, environment: Path) -> None:
    """With the stamp newer than its inputs make runs nothing; without, it would run pip (so the check matters)."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, workspace / name)
    (workspace / ".venv").symlink_to(environment, target_is_directory=True)
    stamp = (environment / ".installed").stat().st_mtime
    for name in ("pyproject.toml", "constraints.txt"):
        os.utime(workspace / name, (stamp - 1, stamp - 1))
    assert f"{STAMP}' is up to date" in make_would_do_nothing(workspace, dict(os.environ))

    fake = tmp_path / "fake"
    fake.mkdir()
    (workspace / ".venv").unlink()
    (workspace / ".venv").symlink_to(fake, target_is_directory=True)
    (fake / ".installed").touch()
    os.utime(fake / ".installed", (stamp - 10, stamp - 10))
    with pytest.raises(AssertionError, match="pip install"):
        make_would_do_nothing(workspace, dict(os.environ))


@pytest.mark.parametrize("job, message", [
    ({"steps": [{"run": "echo ${{ secrets.TOKEN }}"}]}, r"secrets\.TOKEN \}\} is not in the test's context"),
    ({"env": {"A": "${{ github.sha }}"}, "steps": []}, r"github\.sha \}\} is not in the test's context"),
    ({"steps": [{"uses": "actions/upload-artifact@v4"}]}, "action actions/upload-artifact has no local equivalent"),
    ({"steps": [{"run": "true", "if": "always()"}]}, r"keys \['if'\] are not handled"),
    ({"steps": [{"run": "true", "shell": "sh"}]}, "shell 'sh' is not handled"),
    ({"services": {}, "steps": []}, r"keys \['services'\] are not handled"),
    ({"timeout-minutes": "${{ vars.TIMEOUT }}", "steps": []}, r"vars\.TIMEOUT \}\} is not in the test's context"),
])
def test_the_runner_refuses_what_it_does_not_know(job: dict, message: str) -> None:
    context = {"github.workspace": "/w"}
    with pytest.raises(Refused, match=message):
        plan({"jobs": {"j": job}}, "j", context)


def test_a_tag_that_is_not_the_version_stops_the_release_before_anything_is_published(
        history: History, environment: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(history.path, "push", "-q", str(origin), f"{history.start}:refs/heads/main")
    git(history.path, "push", "-q", str(origin), f"{history.start}:refs/tags/v1.0.0")  # 0.1.0 tagged v1.0.0
    workspace = checkout(origin, tmp_path / NAME, "v1.0.0", environment)
    with pytest.raises(JobFailed) as failed:
        run_job(workspace, "release.yml", "release", "refs/tags/v1.0.0", "builtin")
    assert failed.value.step == "Check that the tag is the version in CITATION.cff"
    assert failed.value.output.strip() == "tag v1.0.0 does not match CITATION.cff version 0.1.0"
    assert git(origin, "branch", "--list", "gh-pages") == "" and not (workspace / SITE).exists()
