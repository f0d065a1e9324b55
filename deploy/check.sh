#!/usr/bin/env bash
# Checks that the files under deploy/ are well-formed and agree with the code, without
# Docker, a cluster or a build. Runs in about a second; exits non-zero on any failure.
#
#   deploy/check.sh
#
# Always: every YAML parses; Kubernetes objects are complete and cross-reference each other
# (selectors, volumes, ports, ConfigMap/Secret names, kustomization); the ConfigMap's TOML and
# every GANTRY__SECTION__KEY name an existing key of config/default.toml; example env files
# and the Secret template hold no secrets; every file the Dockerfile needs exists and is not
# excluded by Dockerfile.dockerignore; the Rust image is new enough for the workspace; body
# limits match server.max_callback_bytes and callback proxy timeouts stay under 5 s.
# When the tool is present (skipped with a message otherwise): cargo (the Dockerfile's
# dependency skeleton has the same targets as the workspace), systemd-analyze (verify the
# unit), nginx + openssl (nginx -t on the site config), kubectl (kustomize renders),
# docker compose (compose config).
set -euo pipefail
cd "$(dirname "$0")/.."

failures=0
ok() { printf 'ok    %s\n' "$*"; }
skip() { printf 'skip  %s\n' "$*"; }
fail() {
  printf 'FAIL  %s\n' "$*" >&2
  failures=$((failures + 1))
}
has() { command -v "$1" >/dev/null 2>&1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- shell syntax ------------------------------------------------------------------------
for script in deploy/check.sh deploy/skeleton.sh; do
  if bash -n "$script"; then ok "$script: shell syntax"; else fail "$script: shell syntax"; fi
done

# --- YAML, TOML, env keys, Kubernetes references, Dockerfile (python) ---------------------
if ! has python3; then
  fail "python3 is required"
else
  if ! python3 -c 'import yaml' 2>/dev/null; then
    echo "PyYAML missing: installing it with pip"
    python3 -m pip install --quiet pyyaml || fail "pip install pyyaml"
  fi
  if ! python3 - <<'PY'; then failures=$((failures + 1)); fi
import fnmatch, glob, os, re, sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None
import yaml

problems = []


def ok(msg):
    print(f"ok    {msg}")


def fail(msg):
    problems.append(msg)
    print(f"FAIL  {msg}", file=sys.stderr)


# 1. Every YAML file parses.
docs = {}
for path in sorted(glob.glob("deploy/**/*.y*ml", recursive=True)):
    try:
        with open(path, encoding="utf-8") as f:
            docs[path] = [d for d in yaml.safe_load_all(f) if d is not None]
        ok(f"{path}: YAML parses ({len(docs[path])} document(s))")
    except yaml.YAMLError as e:
        fail(f"{path}: {e}")

# 2. Configuration keys. config/default.toml is the list of every key.
known = None
if tomllib is None:
    print("skip  TOML checks need Python 3.11+ (tomllib)")
else:
    with open("config/default.toml", "rb") as f:
        defaults = tomllib.load(f)
    known = {(s, k) for s, table in defaults.items() for k in table}

    def check_toml(label, text):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            return fail(f"{label}: TOML does not parse: {e}")
        bad = [f"{s}.{k}" for s, t in data.items() for k in t if (s, k) not in known]
        if bad:
            fail(f"{label}: keys not in config/default.toml: {', '.join(bad)}")
        else:
            ok(f"{label}: TOML parses, every key exists")

    for path in ["config/production.example.toml"]:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                check_toml(path, f.read())
    for path, ds in docs.items():
        for d in ds:
            if isinstance(d, dict) and d.get("kind") == "ConfigMap":
                for name, text in (d.get("data") or {}).items():
                    if name.endswith(".toml"):
                        check_toml(f"{path}: {name}", text)

    # Compose writes a TOML file from .env: check it with the variables at their defaults.
    for name, cfg in (docs.get("deploy/compose.yaml", [{}])[0].get("configs") or {}).items():
        if "content" in cfg and "toml" in name:
            text = re.sub(r"\$\{\w+(?::-([^}]*))?(?::\?[^}]*)?\}", lambda m: m.group(1) or "", cfg["content"])
            check_toml(f"deploy/compose.yaml: configs.{name}", text)

# Every GANTRY__SECTION__KEY anywhere under deploy/ names a real key.
env_re = re.compile(r"GANTRY__([A-Z0-9_]+?)__([A-Z0-9_]+)")
if known is not None:
    found = {}
    scanned = glob.glob("deploy/**/*", recursive=True) + glob.glob("deploy/.env*")
    scanned += glob.glob("docs/*.md") + glob.glob("README*.md")
    for path in sorted(scanned):
        if os.path.isfile(path) and not path.endswith("check.sh"):
            with open(path, encoding="utf-8", errors="replace") as f:
                for m in env_re.finditer(f.read()):
                    found.setdefault(m.group(0), set()).add(path)
    bad = {
        var: paths
        for var, paths in found.items()
        if var not in ("GANTRY__SECTION__KEY",)
        and (var.split("__")[1].lower(), var.split("__")[2].lower()) not in known
    }
    for var, paths in sorted(bad.items()):
        fail(f"{var} (in {', '.join(sorted(paths))}) is not a key of config/default.toml")
    if not bad:
        ok(f"{len(found)} GANTRY__SECTION__KEY names all exist in config/default.toml")

# Body limits agree with server.max_callback_bytes; callback timeouts stay under WeCom's 5 s.
def size_bytes(v):
    m = re.fullmatch(r"(\d+)([kKmM]?)", str(v).strip())
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()] if m else None


def rust_bytes(path, name):
    """The byte count of `const NAME: usize = 10 * 1024 * 1024;` in a Rust source file."""
    with open(path, encoding="utf-8") as f:
        m = re.search(rf"const {name}: usize = ([0-9_ *]+);", f.read())
    if not m:
        return None
    value = 1
    for factor in m.group(1).replace("_", "").split("*"):
        value *= int(factor)
    return value


if known is not None:
    limit = defaults["server"]["max_callback_bytes"]
    # Routes that take more than a callback, each at the app's own limit.
    larger = {
        "/api/v1/uploads": rust_bytes("crates/server/src/files/handlers.rs", "MAX_UPLOAD_BYTES"),
        "/api/v1/projects/import": rust_bytes("crates/server/src/projects/handlers.rs", "MAX_IMPORT_BYTES"),
    }
    for route, size in larger.items():
        if size is None:
            fail(f"the app's body limit for {route} was not found in its handler")
    with open("deploy/nginx/gantry.conf", encoding="utf-8") as f:
        nginx = f.read()
    outer = re.sub(r"location [^{]*\{[^}]*\}", "", nginx)
    sizes = re.findall(r"client_max_body_size\s+(\S+);", outer)
    if not sizes or any(size_bytes(v) != limit for v in sizes):
        fail(f"deploy/nginx/gantry.conf: client_max_body_size {sizes} != max_callback_bytes {limit}")
    for route, size in larger.items():
        block = re.search(rf"location = {re.escape(route)} \{{(.*?)\}}", nginx, re.S)
        inner = re.findall(r"client_max_body_size\s+(\S+);", block.group(1)) if block else []
        if not inner or size_bytes(inner[0]) != size:
            fail(f"deploy/nginx/gantry.conf: {route} needs client_max_body_size = {size} (the app's limit)")
    block = re.search(r"location \^~ /wecom/ \{(.*?)\}", nginx, re.S)
    waits = re.findall(r"proxy_\w+_timeout\s+(\d+)s;", block.group(1)) if block else []
    if not waits or max(map(int, waits)) >= 5:
        fail("deploy/nginx/gantry.conf: /wecom/ needs proxy timeouts under 5 s")
    covered = set()
    for path, ds in docs.items():
        for d in ds:
            if isinstance(d, dict) and d.get("kind") == "Ingress":
                notes = d["metadata"].get("annotations") or {}
                body = notes.get("nginx.ingress.kubernetes.io/proxy-body-size")
                paths = [p["path"] for r in d["spec"]["rules"] for p in r["http"]["paths"]]
                big = [larger[p] for p in paths if p in larger]
                want = max(big) if big else limit
                covered.update(p for p in paths if p in larger)
                if body is not None and size_bytes(body) != want:
                    fail(f"{path}: Ingress/{d['metadata']['name']} body size {body} != {want}")
                if "/wecom" in paths:
                    t = notes.get("nginx.ingress.kubernetes.io/proxy-read-timeout")
                    if t is None or int(t) >= 5:
                        fail(f"{path}: Ingress/{d['metadata']['name']} needs a read timeout under 5 s")
    if docs and covered != set(larger):
        fail(f"Kubernetes: no Ingress routes {sorted(set(larger) - covered)} at the app's larger body limits")
    ok(f"body limits = max_callback_bytes ({limit}), uploads and imports at the app's own; callback proxy timeouts < 5 s")

# 3. Example env files: every line is KEY=value, and secrets are blank.
secretish = re.compile(r"(SECRET|TOKEN|ENCODING_AES_KEY|FIELD_KEY|PASSWORD|DATABASE__URL|CACHE__URL)$")
for path in ["deploy/.env.example", "deploy/systemd/gantry.env.example"]:
    if not os.path.exists(path):
        fail(f"{path}: missing")
        continue
    errors = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", line)
            if not m:
                errors.append(f"line {n} is not KEY=value")
            elif secretish.search(m.group(1)) and m.group(2):
                errors.append(f"line {n}: {m.group(1)} must be blank in an example")
    for e in errors:
        fail(f"{path}: {e}")
    if not errors:
        ok(f"{path}: KEY=value lines, secrets blank")

# 4. Kubernetes manifests.
k8s = {p: ds for p, ds in docs.items() if p.startswith("deploy/k8s/")}
objects = [(p, d) for p, ds in k8s.items() for d in ds if p != "deploy/k8s/kustomization.yaml"]
by_kind = {}
for path, d in objects:
    missing = [k for k in ("apiVersion", "kind", "metadata") if k not in d]
    name = (d.get("metadata") or {}).get("name")
    if missing or not name:
        fail(f"{path}: object without {'/'.join(missing) or 'metadata.name'}")
        continue
    if d["kind"] != "Namespace" and d["metadata"].get("namespace") != "gantry":
        fail(f"{path}: {d['kind']}/{name} is not in namespace gantry")
    by_kind.setdefault(d["kind"], {})[name] = (path, d)

for path, d in objects:
    if d.get("kind") != "Secret":
        continue
    values = {**(d.get("stringData") or {}), **(d.get("data") or {})}
    real = [k for k, v in values.items() if v and "<" not in str(v)]
    if real:
        fail(f"{path}: Secret template holds non-placeholder values for {', '.join(real)}")
    else:
        ok(f"{path}: Secret template holds placeholders only")

workloads = {**by_kind.get("StatefulSet", {}), **by_kind.get("Deployment", {})}
if not workloads:
    fail("deploy/k8s: no StatefulSet or Deployment")
for name, (path, w) in workloads.items():
    spec = w["spec"]
    tpl = spec["template"]
    pod = tpl["spec"]
    labels = tpl["metadata"].get("labels", {})
    errors = []
    sel = spec["selector"]["matchLabels"]
    if any(labels.get(k) != v for k, v in sel.items()):
        errors.append("selector does not match the pod labels")
    if spec.get("replicas", 1) < 2:
        errors.append("fewer than 2 replicas")
    if w["kind"] == "StatefulSet":
        svc = by_kind.get("Service", {}).get(spec.get("serviceName"))
        if not svc or svc[1]["spec"].get("clusterIP") != "None":
            errors.append(f"serviceName {spec.get('serviceName')!r} is not a headless Service")
    volumes = {v["name"] for v in pod.get("volumes", [])}
    volumes |= {c["metadata"]["name"] for c in spec.get("volumeClaimTemplates", [])}
    for v in pod.get("volumes", []):
        if "configMap" in v and v["configMap"]["name"] not in by_kind.get("ConfigMap", {}):
            errors.append(f"volume {v['name']}: no ConfigMap {v['configMap']['name']}")
    psc = pod.get("securityContext", {})
    if not psc.get("runAsNonRoot") or psc.get("runAsUser", 0) == 0:
        errors.append("pod does not run as non-root")
    containers = pod.get("initContainers", []) + pod["containers"]
    for c in containers:
        where = f"container {c['name']}"
        for m in c.get("volumeMounts", []):
            if m["name"] not in volumes:
                errors.append(f"{where}: mount {m['name']} has no volume")
        for e in c.get("envFrom", []):
            for kind, key in (("Secret", "secretRef"), ("ConfigMap", "configMapRef")):
                if key in e and e[key]["name"] not in by_kind.get(kind, {}):
                    errors.append(f"{where}: no {kind} {e[key]['name']}")
        sc = c.get("securityContext", {})
        if not sc.get("readOnlyRootFilesystem") or sc.get("allowPrivilegeEscalation", True):
            errors.append(f"{where}: needs readOnlyRootFilesystem and no privilege escalation")
    main = pod["containers"][0]
    ports = {p.get("name") for p in main.get("ports", [])} | {
        p["containerPort"] for p in main.get("ports", [])
    }
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        p = main.get(probe)
        if not p:
            errors.append(f"no {probe}")
        elif p.get("httpGet", {}).get("port") not in ports:
            errors.append(f"{probe} port is not a container port")
    if not any(m["mountPath"] == "/var/lib/gantry" for m in main.get("volumeMounts", [])):
        errors.append("the data dir /var/lib/gantry is not a volume")
    if not any("migrate" in c.get("args", []) for c in pod.get("initContainers", [])):
        errors.append("no `migrate` init container")
    for e in errors:
        fail(f"{path}: {w['kind']}/{name}: {e}")
    if not errors:
        ok(f"{path}: {w['kind']}/{name} is consistent")

pod_labels = [w["spec"]["template"]["metadata"].get("labels", {}) for _, w in workloads.values()]
for kind in ("Service", "PodDisruptionBudget"):
    for name, (path, d) in by_kind.get(kind, {}).items():
        sel = d["spec"].get("selector", {})
        sel = sel.get("matchLabels", sel)
        if not any(all(l.get(k) == v for k, v in sel.items()) for l in pod_labels):
            fail(f"{path}: {kind}/{name} selects no pods")
for name, (path, d) in by_kind.get("Ingress", {}).items():
    services = by_kind.get("Service", {})
    for rule in d["spec"].get("rules", []):
        for p in rule["http"]["paths"]:
            svc = p["backend"]["service"]
            port = svc["port"].get("name") or svc["port"].get("number")
            target = services.get(svc["name"])
            if not target or port not in {
                x.get("name") for x in target[1]["spec"]["ports"]
            } | {x["port"] for x in target[1]["spec"]["ports"]}:
                fail(f"{path}: Ingress/{name} path {p['path']} points at no Service port")
    if not d["spec"].get("tls"):
        fail(f"{path}: Ingress/{name} has no TLS")
for name, (path, d) in by_kind.get("PodDisruptionBudget", {}).items():
    if d["spec"].get("minAvailable") != 1:
        fail(f"{path}: PodDisruptionBudget/{name} should keep minAvailable: 1")

kust = docs.get("deploy/k8s/kustomization.yaml", [{}])[0]
listed = set(kust.get("resources", []))
present = {os.path.basename(p) for p in k8s} - {"kustomization.yaml"}
for r in sorted(listed - present):
    fail(f"deploy/k8s/kustomization.yaml lists missing {r}")
for r in sorted(present - listed - {"secret.example.yaml"}):
    fail(f"deploy/k8s/{r} is not listed in kustomization.yaml")
if "secret.example.yaml" in listed:
    fail("deploy/k8s/kustomization.yaml must not apply the Secret template")
ok(f"deploy/k8s: {len(objects)} objects cross-checked")

# 5. Compose.
compose = docs.get("deploy/compose.yaml", [{}])[0]
services = compose.get("services", {})
for s in ("gantry", "postgres", "redis", "minio"):
    if s not in services:
        fail(f"deploy/compose.yaml: no service {s}")
for s, d in services.items():
    for dep, cond in (d.get("depends_on") or {}).items():
        # A one-shot job (creating the bucket) is waited for until it has run.
        one_shot = services.get(dep, {}).get("restart") == "no"
        wanted = "service_completed_successfully" if one_shot else "service_healthy"
        if cond.get("condition") != wanted:
            fail(f"deploy/compose.yaml: {s} → {dep} is not condition: {wanted}")
        if dep not in services or (
            dep != "gantry" and not one_shot and "healthcheck" not in services[dep]
        ):
            fail(f"deploy/compose.yaml: {s} waits for {dep}, which has no healthcheck")
# Files live in the bucket compose creates.
env = services.get("gantry", {}).get("environment", {})
if env.get("GANTRY__FILES__BACKEND") != "s3":
    fail("deploy/compose.yaml: gantry does not keep its files in object storage")
    for v in d.get("volumes", []):
        name = v.split(":")[0] if isinstance(v, str) else v.get("source")
        if not name.startswith((".", "/")) and name not in (compose.get("volumes") or {}):
            fail(f"deploy/compose.yaml: {s} uses undeclared volume {name}")
    for c in d.get("configs", []):
        if c["source"] not in (compose.get("configs") or {}):
            fail(f"deploy/compose.yaml: {s} uses undeclared config {c['source']}")
ok("deploy/compose.yaml: services, health conditions, volumes, configs")

# 6. Dockerfile: what the build needs exists and is sent in the build context.
def ignore_rules(path):
    rules = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    neg = line.startswith("!")
                    pat = line.lstrip("!").strip("/")
                    rx = "".join(
                        "(?:.*/)?" if tok == "**/" else ".*" if tok == "**"
                        else "[^/]*" if tok == "*" else "[^/]" if tok == "?"
                        else re.escape(tok)
                        for tok in re.findall(r"\*\*/|\*\*|\*|\?|[^*?]+", pat)
                    )
                    rules.append((neg, re.compile(rx + r"$")))
    return rules


def ignored(rules, path):
    parts = path.strip("/").split("/")
    result = False
    for neg, rx in rules:  # Docker: the last matching rule wins; a dir rule covers its files.
        if any(rx.match("/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            result = not neg
    return result


with open("deploy/Dockerfile", encoding="utf-8") as f:
    text = f.read()
lines = re.sub(r"\\\n", " ", text).splitlines()
rules = ignore_rules("deploy/Dockerfile.dockerignore")
stages, needed, errors = set(), {"Cargo.toml", "Cargo.lock", "config/default.toml"}, []
needed |= set(glob.glob("crates/*/Cargo.toml")) | {"xtask/Cargo.toml"}
# The H5 is built inside the image (cargo xtask build-h5) before the server embeds it.
needed |= {"h5/Cargo.toml", "h5/index.html", "h5/style.css", "h5/package.json",
           "h5/package-lock.json", "h5/dist/.gitkeep", "tests/browser/Cargo.toml"}
for line in lines:
    words = line.split()
    if not words or words[0].startswith("#"):
        continue
    op = words[0].upper()
    if op == "FROM" and " AS " in line.upper():
        stages.add(words[-1].lower())
    if op in ("COPY", "ADD"):
        flags = [w for w in words[1:] if w.startswith("--")]
        args = [w for w in words[1:] if not w.startswith("--")]
        source_stage = next((w.split("=", 1)[1] for w in flags if w.startswith("--from=")), None)
        if source_stage:
            if source_stage.lower() not in stages:
                errors.append(f"COPY --from={source_stage}: no earlier stage of that name")
            continue
        for src in args[:-1]:
            if src != "." and not glob.glob(src):
                errors.append(f"COPY source {src} does not exist")
            needed.add(src)
    if op == "RUN":
        needed |= set(re.findall(r"\b(deploy/[\w./-]+)", line))
for path in sorted(needed - {"."}):
    if not os.path.exists(path):
        errors.append(f"{path} is needed by the build but missing")
    elif ignored(rules, path):
        errors.append(f"{path} is needed by the build but excluded by Dockerfile.dockerignore")
for path in ("target/release/gantry", ".git/HEAD", "deploy/.env"):
    if not ignored(rules, path):
        errors.append(f"{path} would be sent to the build context")
user = [l.split()[1] for l in lines if l.upper().startswith("USER ")]
if not user or user[-1].split(":")[0] in ("0", "root"):
    errors.append("the final stage does not switch to a non-root USER")
for must in ("HEALTHCHECK", "EXPOSE 8080", 'ENTRYPOINT ["gantry"]', 'CMD ["serve"]',
             "GANTRY__SERVER__BIND=0.0.0.0:8080", 'VOLUME ["/var/lib/gantry"]'):
    if must not in text:
        errors.append(f"missing {must}")
m = re.search(r"ARG RUST_VERSION=(\d+)\.(\d+)", text)
with open("Cargo.toml", encoding="utf-8") as f:
    msrv = re.search(r'rust-version\s*=\s*"(\d+)\.(\d+)', f.read())
if not m or not msrv or tuple(map(int, m.groups())) < tuple(map(int, msrv.groups())):
    errors.append("ARG RUST_VERSION is missing or older than the workspace rust-version")
for e in errors:
    fail(f"deploy/Dockerfile: {e}")
if not errors:
    ok(f"deploy/Dockerfile: {len(needed)} needed paths exist and reach the build context")

sys.exit(1 if problems else 0)
PY
fi

# --- Dockerfile skeleton: same targets as the real workspace -------------------------------
if has cargo; then
  targets() { (cd "$1" && cargo metadata --no-deps --format-version 1 --offline) |
    grep -o '"src_path":"[^"]*"' | sed "s#$1/##" | sort; }
  if sh deploy/skeleton.sh . "$tmp/skeleton" &&
    diff <(targets "$PWD") <(targets "$tmp/skeleton") >/dev/null; then
    ok "deploy/skeleton.sh: the dependency skeleton has every target of the workspace"
  else
    fail "deploy/skeleton.sh: the skeleton's targets differ from the workspace's"
  fi
else
  skip "cargo not found: dependency skeleton not checked"
fi

# --- systemd unit ------------------------------------------------------------------------
if has systemd-analyze; then
  # verify wants ExecStart's binary to exist: point it at a stub.
  printf '#!/bin/sh\nexit 0\n' >"$tmp/gantry" && chmod +x "$tmp/gantry"
  sed "s#/usr/local/bin/gantry#$tmp/gantry#g" deploy/systemd/gantry.service >"$tmp/gantry.service"
  # It only warns (exit 0) on unknown keys and bad values: any output about the unit fails.
  out=$(systemd-analyze verify "$tmp/gantry.service" 2>&1) || true
  if grep -q 'gantry' <<<"$out"; then
    fail "deploy/systemd/gantry.service: $out"
  else
    ok "deploy/systemd/gantry.service: systemd-analyze verify"
  fi
else
  skip "systemd-analyze not found: unit not verified"
fi

# --- nginx ----------------------------------------------------------------------------------
if has nginx && has openssl; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
  sed -e "s#/etc/nginx/tls/[^;]*/fullchain.pem#$tmp/cert.pem#" \
    -e "s#/etc/nginx/tls/[^;]*/privkey.pem#$tmp/key.pem#" \
    deploy/nginx/gantry.conf >"$tmp/site.conf"
  printf 'pid %s/nginx.pid;\nerror_log %s/error.log;\nevents {}\nhttp { access_log off; include %s/site.conf; }\n' \
    "$tmp" "$tmp" "$tmp" >"$tmp/nginx.conf"
  if out=$(nginx -t -q -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" 2>&1); then
    ok "deploy/nginx/gantry.conf: nginx -t"
  else
    fail "deploy/nginx/gantry.conf: $out"
  fi
else
  skip "nginx or openssl not found: nginx config not tested"
fi

# --- optional renderers -------------------------------------------------------------------
if has kubectl; then
  if out=$(kubectl kustomize deploy/k8s 2>&1); then
    ok "deploy/k8s: kubectl kustomize renders $(grep -c '^kind:' <<<"$out") objects"
  else
    fail "deploy/k8s: kubectl kustomize: $out"
  fi
else
  skip "kubectl not found: kustomization not rendered"
fi

if docker compose version >/dev/null 2>&1; then
  mkdir -p "$tmp/compose"
  cp deploy/compose.yaml "$tmp/compose/"
  sed -e 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=check/' -e 's/^REDIS_PASSWORD=$/REDIS_PASSWORD=check/' \
    deploy/.env.example >"$tmp/compose/.env"
  if out=$(docker compose -f "$tmp/compose/compose.yaml" config -q 2>&1); then
    ok "deploy/compose.yaml: docker compose config"
  else
    fail "deploy/compose.yaml: docker compose config: $out"
  fi
else
  skip "docker compose not found: compose file not rendered"
fi

if ((failures > 0)); then
  echo "deploy/check.sh: $failures failure(s)" >&2
  exit 1
fi
echo "deploy/check.sh: all checks passed"
