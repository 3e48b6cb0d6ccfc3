#!/usr/bin/env bash
# Build the real Pulumi CLI from Go modules, plus the dynamic-provider launcher Python programs need.
#
# Puts into $ENGINE_DIR/bin (default <repo>/.engine/bin):
#   pulumi                         github.com/pulumi/pulumi/pkg/v3/cmd/pulumi @ $PULUMI_VERSION,
#                                  built through a small wrapper module (pkg/v3 has replace
#                                  directives, so `go install pkg@version` is refused); or a
#                                  symlink to a `pulumi` already on PATH (ENGINE_FORCE_BUILD=1
#                                  builds anyway)
#   pulumi-resource-pulumi-python  launcher of `python -u -m pulumi.dynamic` (dynamic providers)
#
# No Python language host is built: the upstream module is not served by the module proxy here
# (see provider/scripts/ENGINE.md), so Python programs run as Automation API inline programs
# (alicloud_flink.stack_runner), which need no language host. ENGINE_LANGHOST=upstream tries the
# upstream host anyway and records why it failed in $ENGINE_DIR/langhost-upstream.log.
#
# A stamp file makes a second run return at once.
#
# Environment:
#   PULUMI_VERSION     CLI version to build (default v3.276.0)
#   ENGINE_DIR         output directory (default <repo>/.engine)
#   ENGINE_FORCE_BUILD 1 = build even if a pulumi is on PATH, and ignore the stamps
#   ENGINE_LANGHOST    none (default) | upstream (also try the upstream Python language host)
#   ENGINE_PROGRESS_SECONDS  seconds between "still running" lines of a long step (default 30)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

PULUMI_VERSION=${PULUMI_VERSION:-v3.276.0}
case $PULUMI_VERSION in v*) ;; *) PULUMI_VERSION=v$PULUMI_VERSION ;; esac
ENGINE_DIR=${ENGINE_DIR:-$REPO_DIR/.engine}
ENGINE_FORCE_BUILD=${ENGINE_FORCE_BUILD:-0}
ENGINE_LANGHOST=${ENGINE_LANGHOST:-none}
case $ENGINE_LANGHOST in none | upstream) ;; *) ENGINE_LANGHOST=none ;; esac

PKG_MOD=github.com/pulumi/pulumi/pkg/v3
SDK_MOD=github.com/pulumi/pulumi/sdk/v3
UPSTREAM_LANGHOST_MOD=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
TOOLS=(pulumi pulumi-resource-pulumi-python)
LANGHOST_TOOLS=(pulumi-language-python pulumi-language-python-exec)
PROGRESS_EVERY=${ENGINE_PROGRESS_SECONDS:-30}

START=$SECONDS
log() { printf 'engine: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}
elapsed() { echo "$((SECONDS - START))s"; }
# `pulumi version` writes a log file under $PULUMI_HOME (default ~/.pulumi): keep those in ENGINE_DIR.
pulumi_version() { PULUMI_HOME="$ENGINE_DIR/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null; }

# Run "$@" in the background and print a line every PROGRESS_EVERY seconds until it ends, so a cold
# `go get` / `go build` (minutes, silent) shows it is alive. Returns the command's exit status.
with_progress() {
    local what=$1 pid ticks=0 rc=0
    shift
    "$@" &
    pid=$!
    trap 'kill "$pid" 2>/dev/null || true' INT TERM
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        ticks=$((ticks + 1))
        if ((ticks % PROGRESS_EVERY == 0)); then log "$what: still running (${ticks}s)"; fi
    done
    wait "$pid" || rc=$?
    trap - INT TERM
    return "$rc"
}

mkdir -p "$ENGINE_DIR"
ENGINE_DIR=$(cd "$ENGINE_DIR" && pwd -P)
BIN=$ENGINE_DIR/bin
SRC=$ENGINE_DIR/src
STAMP=$ENGINE_DIR/stamp
LANGHOST_LOG=$ENGINE_DIR/langhost-upstream.log

# One build at a time per engine directory.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$ENGINE_DIR/.lock"
    flock 9
fi

# A `pulumi` on PATH outside the engine directory, if any.
find_on_path() {
    local name=$1 dir real
    local IFS=:
    for dir in $PATH; do
        [[ -n $dir && -d $dir ]] || continue
        real=$(cd "$dir" && pwd -P)
        [[ $real == "$ENGINE_DIR"* ]] && continue
        if [[ -x $dir/$name && ! -d $dir/$name ]]; then
            printf '%s\n' "$dir/$name"
            return 0
        fi
    done
    return 1
}

EXTERNAL_PULUMI=""
if [[ $ENGINE_FORCE_BUILD != 1 ]]; then
    EXTERNAL_PULUMI=$(find_on_path pulumi || true)
fi

WANT_STAMP="pulumi=$PULUMI_VERSION external=${EXTERNAL_PULUMI:-none} langhost=$ENGINE_LANGHOST script=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
WANT_TOOLS=("${TOOLS[@]}")
[[ $ENGINE_LANGHOST == upstream ]] && WANT_TOOLS+=("${LANGHOST_TOOLS[@]}")

up_to_date() {
    [[ -f $STAMP && "$(cat "$STAMP")" == "$WANT_STAMP" ]] || return 1
    local t
    for t in "${WANT_TOOLS[@]}"; do
        [[ -x $BIN/$t ]] || return 1
    done
}

if [[ $ENGINE_FORCE_BUILD != 1 ]] && up_to_date; then
    log "up to date: $BIN (pulumi $PULUMI_VERSION${EXTERNAL_PULUMI:+ from $EXTERNAL_PULUMI})"
    exit 0
fi

rm -f "$STAMP"
mkdir -p "$BIN"
# What an earlier layout of this script built: a local language host and its sources.
rm -rf "$SRC/langhost"
if [[ $ENGINE_LANGHOST != upstream ]]; then
    for t in "${LANGHOST_TOOLS[@]}"; do rm -f "$BIN/$t" "$BIN/$t.tmp"; done
fi

# ---------------------------------------------------------------------------------------------
# pulumi
# ---------------------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || [[ -n $EXTERNAL_PULUMI ]] || die "go is not on PATH (needed to build the engine)"
export CGO_ENABLED=0

# `go get` without its per-module chatter; keeps its exit status.
go_get() {
    local out rc=0
    out=$(go get "$@" 2>&1) || rc=$?
    printf '%s\n' "$out" | grep -v -e '^go: downloading' -e '^go: added' -e '^go: upgraded' -e '^$' >&2 || true
    return "$rc"
}

prepare_wrapper_module() {
    log "preparing the wrapper module in $SRC for pulumi $PULUMI_VERSION"
    rm -rf "$SRC"
    mkdir -p "$SRC"
    (
        cd "$SRC"
        go mod init pulumi-engine-build >/dev/null 2>&1
        log "go get $PKG_MOD/cmd/pulumi@$PULUMI_VERSION $SDK_MOD@$PULUMI_VERSION (downloads on a cold cache) ..."
        with_progress "go get" go_get "$PKG_MOD/cmd/pulumi@$PULUMI_VERSION" "$SDK_MOD@$PULUMI_VERSION"
        # The pulumi command must resolve; fail here rather than in the build.
        go list "$PKG_MOD/cmd/pulumi" >/dev/null
    )
    echo "$PULUMI_VERSION" >"$SRC/.version"
    log "wrapper module ready ($(elapsed))"
}

build_pulumi() {
    [[ -f $SRC/go.mod && "$(cat "$SRC/.version" 2>/dev/null)" == "$PULUMI_VERSION" ]] || prepare_wrapper_module
    log "building pulumi $PULUMI_VERSION (cold build cache: several minutes on 2 cores; warm: ~30 s) ..."
    (
        cd "$SRC"
        with_progress "go build pulumi" go build -trimpath \
            -ldflags "-s -w -X $SDK_MOD/go/common/version.Version=$PULUMI_VERSION" \
            -o "$BIN/pulumi.tmp" "$PKG_MOD/cmd/pulumi"
    )
    mv -f "$BIN/pulumi.tmp" "$BIN/pulumi"
    log "built $BIN/pulumi: $(pulumi_version "$BIN/pulumi") ($(elapsed))"
}

PULUMI_STAMP="pulumi=$PULUMI_VERSION external=${EXTERNAL_PULUMI:-none}"
if [[ $ENGINE_FORCE_BUILD != 1 && -x $BIN/pulumi && "$(cat "$ENGINE_DIR/stamp.pulumi" 2>/dev/null)" == "$PULUMI_STAMP" ]]; then
    log "pulumi $PULUMI_VERSION already built"
elif [[ -n $EXTERNAL_PULUMI ]]; then
    log "using the pulumi on PATH: $EXTERNAL_PULUMI ($(pulumi_version "$EXTERNAL_PULUMI" || echo 'version unknown'))"
    ln -sfn "$EXTERNAL_PULUMI" "$BIN/pulumi"
else
    log "go: $(go env GOVERSION), GOPROXY=$(go env GOPROXY), GOMODCACHE=$(go env GOMODCACHE), GOCACHE=$(go env GOCACHE)"
    build_pulumi
fi
printf '%s\n' "$PULUMI_STAMP" >"$ENGINE_DIR/stamp.pulumi"

# ---------------------------------------------------------------------------------------------
# Optional: the upstream Python language host (ENGINE_LANGHOST=upstream)
# ---------------------------------------------------------------------------------------------
# The module has no tags of its own: name the release commit of sdk/v3@V (the proxy's Origin.Hash),
# else @master. Every command and its output goes to $LANGHOST_LOG.
build_upstream_langhost() {
    local dir=$ENGINE_DIR/src-langhost-upstream hash ref sdk_dir
    rm -rf "$dir"
    mkdir -p "$dir"
    cd "$dir"
    go mod init pulumi-langhost-build >/dev/null 2>&1
    echo "\$ go mod download -json $SDK_MOD@$PULUMI_VERSION"
    go mod download -json "$SDK_MOD@$PULUMI_VERSION" | grep -v -e '"Dir"' -e '"GoMod"' -e '"Zip"' -e '"Info"'
    hash=$(go mod download -json "$SDK_MOD@$PULUMI_VERSION" | sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]*\)".*/\1/p' | head -n1)
    [[ -n $hash ]] || echo "# no Origin.Hash for $SDK_MOD@$PULUMI_VERSION: the release commit cannot be named"
    for ref in ${hash:+"$hash"} "$PULUMI_VERSION" master; do
        echo "\$ go get $UPSTREAM_LANGHOST_MOD@$ref"
        go get "$UPSTREAM_LANGHOST_MOD@$ref" 2>&1 || continue
        echo "\$ go build $UPSTREAM_LANGHOST_MOD"
        go build -trimpath -ldflags "-s -w -X $SDK_MOD/go/common/version.Version=$PULUMI_VERSION" \
            -o "$BIN/pulumi-language-python.tmp" "$UPSTREAM_LANGHOST_MOD" 2>&1 || return 1
        sdk_dir=$(go list -m -f '{{.Dir}}' "$SDK_MOD")
        install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$BIN/pulumi-language-python-exec"
        mv -f "$BIN/pulumi-language-python.tmp" "$BIN/pulumi-language-python"
        echo "# built from $UPSTREAM_LANGHOST_MOD@$ref"
        return 0
    done
    return 1
}

if [[ $ENGINE_LANGHOST == upstream ]]; then
    log "trying the upstream Python language host ($UPSTREAM_LANGHOST_MOD); log: $LANGHOST_LOG"
    if (build_upstream_langhost) >"$LANGHOST_LOG" 2>&1; then
        log "upstream language host built: $BIN/pulumi-language-python"
    else
        rm -rf "$ENGINE_DIR/src-langhost-upstream" "$BIN/pulumi-language-python.tmp"
        log "upstream language host FAILED; its last lines (full log: $LANGHOST_LOG):"
        tail -n 4 "$LANGHOST_LOG" | sed 's/^/engine:   /' >&2
        log "Python programs still run as Automation API inline programs (alicloud_flink.stack_runner)"
    fi
fi

# ---------------------------------------------------------------------------------------------
# pulumi-resource-pulumi-python: the dynamic provider launcher
# ---------------------------------------------------------------------------------------------
# Mirrors sdk/python/dist/pulumi-resource-pulumi-python of pulumi/pulumi (PULUMI_RUNTIME_VIRTUALENV,
# PULUMI_RUNTIME_TOOLCHAIN=uv|poetry, PULUMI_PYTHON_CMD), plus: without a virtualenv it uses
# ./.venv when that is a virtualenv, before python3 on PATH.
cat >"$BIN/pulumi-resource-pulumi-python.tmp" <<'EOF'
#!/bin/sh
# Dynamic provider launcher for Pulumi Python programs (written by provider/scripts/build_engine.sh).
# Python: $PULUMI_RUNTIME_VIRTUALENV, else ./.venv, else ${PULUMI_PYTHON_CMD:-python3} from PATH.
if [ -z "${PULUMI_RUNTIME_VIRTUALENV:-}" ]; then
    if [ "${PULUMI_RUNTIME_TOOLCHAIN:-}" = "uv" ]; then
        PULUMI_RUNTIME_VIRTUALENV=".venv"
    elif [ "${PULUMI_RUNTIME_TOOLCHAIN:-}" = "poetry" ]; then
        PULUMI_RUNTIME_VIRTUALENV=$(poetry env info --path)
    elif [ -f ".venv/bin/python" ]; then
        PULUMI_RUNTIME_VIRTUALENV=".venv"
    fi
fi

if [ -n "${PULUMI_RUNTIME_VIRTUALENV:-}" ]; then
    PULUMI_RUNTIME_VIRTUALENV=${PULUMI_RUNTIME_VIRTUALENV%/}
    case $PULUMI_RUNTIME_VIRTUALENV in
        /*) : ;;
        *) PULUMI_RUNTIME_VIRTUALENV=$PWD/$PULUMI_RUNTIME_VIRTUALENV ;;
    esac
    if [ -f "$PULUMI_RUNTIME_VIRTUALENV/bin/python" ]; then
        PATH="$PULUMI_RUNTIME_VIRTUALENV/bin:$PATH"
        VIRTUAL_ENV=$PULUMI_RUNTIME_VIRTUALENV
        export PATH VIRTUAL_ENV
        unset PYTHONHOME
        exec "$PULUMI_RUNTIME_VIRTUALENV/bin/python" -u -m pulumi.dynamic "$@"
    fi
    echo "pulumi-resource-pulumi-python: \"$PULUMI_RUNTIME_VIRTUALENV\" is not a virtual environment (no bin/python)" >&2
    exit 1
fi

exec "${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi.dynamic "$@"
EOF
chmod 0755 "$BIN/pulumi-resource-pulumi-python.tmp"
mv -f "$BIN/pulumi-resource-pulumi-python.tmp" "$BIN/pulumi-resource-pulumi-python"

for t in "${TOOLS[@]}"; do
    [[ -x $BIN/$t ]] || die "missing $BIN/$t after the build"
done
# A failed opt-in upstream host leaves no stamp, so the next run tries it again.
[[ $ENGINE_LANGHOST != upstream || -x $BIN/pulumi-language-python ]] && printf '%s\n' "$WANT_STAMP" >"$STAMP"
log "done in $(elapsed): $BIN"
log "Python programs run as Automation API inline programs: python -m alicloud_flink.stack_runner <project dir>"
