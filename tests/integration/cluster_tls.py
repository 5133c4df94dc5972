"""Transport TLS for the test cluster, with certificates made by the distribution's own ``elasticsearch-certutil``
(present in the integ-test zip), the way ``docs/cluster.md`` tells a user to make them: one CA, one PEM certificate
per node named by its node name with its IP in the subject alternative names, keys 0600 and owned by the node's user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from flows.es import install
from tests.integration.cluster import ClusterNode


def certutil(es_home: Path, *args: str) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ES_")}, "ES_JAVA_HOME": str(install.java_home())}
    done = subprocess.run([str(es_home / "bin" / "elasticsearch-certutil"), *args, "--silent"], env=env,
                          capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"elasticsearch-certutil {args[0]} failed: {done.stderr.strip()[-1000:]}")


def unzip_private(archive: Path, into: Path) -> None:
    """Every extracted file 0600: the zip holds private keys."""
    with zipfile.ZipFile(archive) as opened:
        for member in opened.infolist():
            if member.is_dir():
                continue
            target = into / member.filename
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(opened.read(member))
    archive.unlink()


def make_ca(es_home: Path, workdir: Path) -> Path:
    """``certutil ca --pem``: ``ca/ca.crt`` and ``ca/ca.key`` under ``workdir``."""
    workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
    certutil(es_home, "ca", "--pem", "--out", str(workdir / "ca.zip"))
    unzip_private(workdir / "ca.zip", workdir)
    return workdir / "ca"


def make_node_certs(es_home: Path, ca: Path, names: list[str], workdir: Path) -> None:
    """``certutil cert --pem --in instances.yml``: ``<name>/<name>.crt`` and ``.key`` for each node."""
    instances = workdir / "instances.yml"
    entry = '  - name: {}\n    ip: ["127.0.0.1"]\n    dns: ["localhost"]\n'
    instances.write_text("instances:\n" + "".join(entry.format(name) for name in names))
    certutil(es_home, "cert", "--pem", "--ca-cert", str(ca / "ca.crt"), "--ca-key", str(ca / "ca.key"),
             "--in", str(instances), "--out", str(workdir / "certs.zip"))
    unzip_private(workdir / "certs.zip", workdir)


def tls_settings() -> dict[str, object]:
    """The settings docs/cluster.md gives: paths relative to the node's config folder."""
    return {"xpack.security.transport.ssl.enabled": True,
            "xpack.security.transport.ssl.verification_mode": "full",
            "xpack.security.transport.ssl.key": "certs/node.key",
            "xpack.security.transport.ssl.certificate": "certs/node.crt",
            "xpack.security.transport.ssl.certificate_authorities": "certs/ca.crt"}


def install_certs(member: ClusterNode, ca: Path, workdir: Path) -> dict[str, object]:
    """The node's certificate, key and the CA into its config (``certs/``, owner-only), and the TLS settings."""
    target = member.paths.es_home / "config" / "certs"
    target.mkdir(mode=0o700, exist_ok=True)
    for source, name in ((workdir / member.name / f"{member.name}.crt", "node.crt"),
                         (workdir / member.name / f"{member.name}.key", "node.key"), (ca / "ca.crt", "ca.crt")):
        shutil.copyfile(source, target / name)
        os.chmod(target / name, 0o600)
    install.chown_tree(target, install.node_user())
    return tls_settings()


class TransportTLS:
    """The ``prepare`` hook of ``running_cluster``: one CA for the cluster, a certificate per node."""

    def __init__(self, workdir: Path, es_home: Path, names: list[str]) -> None:
        self.workdir = workdir
        self.ca = make_ca(es_home, workdir)
        make_node_certs(es_home, self.ca, names, workdir)

    def __call__(self, member: ClusterNode) -> dict[str, object]:
        return install_certs(member, self.ca, self.workdir)
