#!/usr/bin/env bash
# Creates .venv from the lock file (idempotent, fast when nothing changed).
# Needs only python3.11 and the package registry; uv is installed into the venv from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
stamp=.venv/.lock-sha
want=$(sha256sum requirements.lock pyproject.toml scripts/bootstrap.sh | sha256sum | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check uv==0.13.9
# Bytecode compiled at install: every command imports elasticsearch, pydantic and (for runs) Prefect, and where
# PYTHONDONTWRITEBYTECODE is set (or site-packages is read-only) each start would compile them again (~1 s more
# per command by the user's clock).
.venv/bin/uv pip sync -q --compile-bytecode --python .venv/bin/python requirements.lock
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
.venv/bin/python -m compileall -q -j 0 flows transforms >/dev/null
echo "$want" > "$stamp"
