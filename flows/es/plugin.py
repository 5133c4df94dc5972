"""Build and install the project's stable analysis plugin (``analysis-plugin/``) on the local node.

The local node is Elasticsearch's ``integ-test-zip``, which lacks the analysis-common module; the plugin
supplies the analysers, token filters and tokenizers the project and the ``.security`` index need, under
analysis-common's names. It is compiled with plain ``javac`` against the node's own jars (no Maven or Gradle,
no network), cached by a hash of its source folder, and installed with ``bin/elasticsearch-plugin``. The
installed descriptor's ``version`` carries that hash, so the node itself records which build it runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

PLUGIN_NAME = "newsindex-analysis"
SOURCE_DIR = Path(__file__).resolve().parents[2] / "analysis-plugin"
DESCRIPTOR = "stable-plugin-descriptor.properties"
NAMED_COMPONENTS = "named_components.json"
# Compile-time classpath: the stable plugin API and Lucene's analysis classes (the node supplies them).
_CLASSPATH_GLOBS = (
    "elasticsearch-plugin-api-*.jar",
    "elasticsearch-plugin-analysis-api-*.jar",
    "lucene-core-*.jar",
    "lucene-analysis-common-*.jar",
)
_HASH_LENGTH = 16
_MANIFEST = "Manifest-Version: 1.0\r\nCreated-By: newsindex flows.es.plugin\r\n\r\n"
_NAMED_COMPONENT = re.compile(r'@NamedComponent\(\s*"([^"]+)"\s*\)\s*public\s+class\s+(\w+)')


def build_plugin(es_home: Path, build_dir: Path, java_home: Path) -> Path:
    """Return the plugin zip for the current sources and this node's version, compiling only if not cached."""
    lib = Path(es_home) / "lib"
    es_version = node_version(lib)
    digest = source_hash(SOURCE_DIR, es_version)
    build_dir = Path(build_dir)
    target = build_dir / f"{PLUGIN_NAME}-{es_version}-{digest}.zip"
    if target.is_file():
        return target
    check_named_components(SOURCE_DIR)
    build_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=build_dir, prefix=".build-") as tmp:
        work = Path(tmp)
        jar = _compile_jar(Path(java_home), _classpath(lib), work)
        staged = work / target.name
        _write_plugin_zip(staged, jar, _descriptor(es_version, digest))
        os.replace(staged, target)  # atomic: a crash never leaves a half-written zip under the cached name
    _remove_stale_builds(build_dir, keep=target)
    return target


def ensure_plugin(es_home: Path, build_dir: Path, java_home: Path, run_as: Sequence[str] = ()) -> bool:
    """Installs the current build if not installed; True when it (re)installed.

    ``run_as`` is a command prefix such as ``("runuser", "-u", "newsindex-es", "--")`` used when the node runs
    as another user (the plugin CLI must write ES_HOME/plugins as that user); the node must be stopped.
    """
    es_home = Path(es_home)
    zip_path = build_plugin(es_home, build_dir, java_home)
    wanted = _zip_plugin_version(zip_path)
    installed = installed_version(es_home)
    if installed == wanted:
        return False
    if (es_home / "plugins" / PLUGIN_NAME).exists():
        _plugin_cli(es_home, java_home, run_as, "remove", PLUGIN_NAME)
    with _readable_by_others(zip_path, enabled=bool(run_as)) as readable:
        _plugin_cli(es_home, java_home, run_as, "install", "--batch", readable.as_uri())
    return True


def installed_version(es_home: Path) -> str | None:
    """The ``version`` of the installed plugin (``1.0.0+<source hash>``), or None when it is not installed."""
    descriptor = Path(es_home) / "plugins" / PLUGIN_NAME / DESCRIPTOR
    if not descriptor.is_file():
        return None
    return _properties_version(descriptor.read_text(encoding="utf-8"))


def node_version(lib: Path) -> str:
    """The node's Elasticsearch version, from its plugin-API jar name (``GET /`` is absent on this node)."""
    jar = _single_jar(lib, "elasticsearch-plugin-api-*.jar")
    return jar.name.removeprefix("elasticsearch-plugin-api-").removesuffix(".jar")


def source_hash(source_dir: Path, es_version: str) -> str:
    """Hash of every build input (sources, descriptor, component list) and the node version built against."""
    digest = hashlib.sha256(es_version.encode())
    for path in sorted(p for p in source_dir.rglob("*") if p.is_file() and p.suffix != ".md"):
        digest.update(path.relative_to(source_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:_HASH_LENGTH]


def check_named_components(source_dir: Path) -> dict[str, str]:
    """Fail the build when named_components.json and the ``@NamedComponent`` classes disagree.

    Elasticsearch trusts the JSON file without scanning the jar, so a drift would only show up as an
    "unknown filter type" at index creation.
    """
    declared = json.loads((source_dir / NAMED_COMPONENTS).read_text(encoding="utf-8"))
    listed = {name: cls for group in declared.values() for name, cls in group.items()}
    found = {}
    for java in sorted((source_dir / "src").rglob("*.java")):
        package = re.search(r"^package\s+([\w.]+);", java.read_text(encoding="utf-8"), re.MULTILINE)
        for name, cls in _NAMED_COMPONENT.findall(java.read_text(encoding="utf-8")):
            found[name] = f"{package.group(1)}.{cls}" if package else cls
    if found != listed:
        drift = sorted(set(found.items()) ^ set(listed.items()))
        raise RuntimeError(f"{NAMED_COMPONENTS} and the @NamedComponent classes disagree on {drift}")
    return found


def _classpath(lib: Path) -> list[Path]:
    return [_single_jar(lib, pattern) for pattern in _CLASSPATH_GLOBS]


def _single_jar(lib: Path, pattern: str) -> Path:
    matches = sorted(lib.glob(pattern))
    if len(matches) != 1:
        raise RuntimeError(f"expected exactly one {pattern} in {lib}, found {[m.name for m in matches]}")
    return matches[0]


def _compile_jar(java_home: Path, classpath: list[Path], work: Path) -> Path:
    javac = java_home / "bin" / "javac"
    if not javac.is_file():
        raise RuntimeError(f"no javac in {java_home}: building the analysis plugin needs a JDK, not a JRE")
    classes = work / "classes"
    sources = sorted(str(p) for p in (SOURCE_DIR / "src").rglob("*.java"))
    cmd = [
        str(javac),
        "--release",
        "17",
        "-encoding",
        "UTF-8",
        "-d",
        str(classes),
        "-cp",
        os.pathsep.join(map(str, classpath)),
        *sources,
    ]
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as err:
        raise RuntimeError(f"javac failed building {PLUGIN_NAME}:\n{err.stderr or err.stdout}") from err
    jar = work / f"{PLUGIN_NAME}.jar"
    with zipfile.ZipFile(jar, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("META-INF/MANIFEST.MF", _MANIFEST)
        for path in sorted(classes.rglob("*.class")):
            out.write(path, path.relative_to(classes).as_posix())
    return jar


def _descriptor(es_version: str, digest: str) -> str:
    lines = (SOURCE_DIR / DESCRIPTOR).read_text(encoding="utf-8").splitlines()
    body = "\n".join(line for line in lines if not line.lstrip().startswith("#")) + "\n"
    return body.replace("${es_version}", es_version).replace("${build_hash}", digest)


def _write_plugin_zip(target: Path, jar: Path, descriptor: str) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(jar, jar.name)
        out.writestr(DESCRIPTOR, descriptor)
        out.write(SOURCE_DIR / NAMED_COMPONENTS, NAMED_COMPONENTS)


def _remove_stale_builds(build_dir: Path, keep: Path) -> None:
    for old in build_dir.glob(f"{PLUGIN_NAME}-*.zip"):
        if old != keep:
            old.unlink(missing_ok=True)


def _zip_plugin_version(zip_path: Path) -> str:
    with zipfile.ZipFile(zip_path) as archive:
        return _properties_version(archive.read(DESCRIPTOR).decode("utf-8")) or ""


def _properties_version(text: str) -> str | None:
    match = re.search(r"^\s*version\s*[=:]\s*(\S+)", text, re.MULTILINE)
    return match.group(1) if match else None


@contextlib.contextmanager
def _readable_by_others(zip_path: Path, enabled: bool) -> Iterator[Path]:
    """Yield a copy of the zip that the node's user can read (the build dir may sit under a private home)."""
    if not enabled:
        yield zip_path.resolve()
        return
    staging = Path(tempfile.mkdtemp(prefix="newsindex-plugin-"))
    try:
        staging.chmod(0o755)
        copy = staging / zip_path.name
        shutil.copyfile(zip_path, copy)
        copy.chmod(0o644)
        yield copy
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _plugin_cli(es_home: Path, java_home: Path, run_as: Sequence[str], *args: str) -> None:
    # `env` puts ES_JAVA_HOME after the run_as prefix, which may reset the environment (runuser -l, sudo).
    cmd = [*run_as, "env", f"ES_JAVA_HOME={java_home}", str(es_home / "bin" / "elasticsearch-plugin"), *args]
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=es_home)
    except subprocess.CalledProcessError as err:
        detail = (err.stderr or "") + (err.stdout or "")
        raise RuntimeError(f"elasticsearch-plugin {args[0]} failed ({' '.join(cmd)}):\n{detail}") from err
