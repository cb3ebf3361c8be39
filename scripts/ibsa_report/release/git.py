"""The one way the release and publish steps run git: in a folder, failing with git's own message."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(RuntimeError):
    """git failed; the message is `git <args> failed: <git's message>`."""


def git(root: Path, *args: str, env: dict[str, str] | None = None, error: type[Exception] = GitError) -> str:
    """Run git in root and return its output; raise error (GitError by default) with git's message on failure."""
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise error(f"git {' '.join(args)} failed: {(done.stderr or done.stdout).strip()}")
    return done.stdout


def git_bytes(root: Path, *args: str) -> bytes:
    """Run git in root and return its output as bytes (an archive); raise GitError on failure."""
    done = subprocess.run(["git", *args], cwd=root, capture_output=True)
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def git_maybe(root: Path, *args: str) -> str | None:
    """Run git in root and return its stripped output, or None when it exits non-zero (a question answered no)."""
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def branch_head(root: Path, branch: str) -> str | None:
    """Return the commit the local branch points at, or None when there is no such branch."""
    return git_maybe(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
