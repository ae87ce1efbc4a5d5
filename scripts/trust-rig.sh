#!/usr/bin/env bash
# trust-rig.sh - token test rig for TrustBridge's key vault tests (Debian 12).
#
# A rig lives in one directory. It is a software TPM 2.0 (swtpm) behind its own resource manager
# (tpm2-abrmd on a private D-Bus bus), plus two EMPTY PKCS#11 tokens labelled "trustbridge": one inside
# that TPM (tpm2-pkcs11) and one in SoftHSM2. The code under test generates its keys inside the tokens.
# Every rig has its own free ports, bus, state and random PINs, so several rigs can run side by side.
# Everything listens on 127.0.0.1 or on unix sockets inside the rig directory.
#
# Usage:
#   trust-rig.sh install      install the missing Debian packages (as root; silent when all are present)
#   trust-rig.sh start DIR    build a fresh rig in DIR and leave its daemons running
#   trust-rig.sh stop DIR     stop exactly the processes recorded in DIR/pids; safe to repeat
#   trust-rig.sh status DIR   print whether each recorded process runs and whether the TPM answers
#
# Files in DIR after start:
#   env.sh                        source it before a JVM or a tool uses the rig
#   tpm2-pkcs11.cfg, softhsm2.cfg SunPKCS11 configurations (keys generated through them stay in the token)
#   user-pin, so-pin              the rig's PINs (mode 0600, no trailing newline)
#   pids                          one PID per line of every process the rig started
#   tpm2-pkcs11/                  tpm2-pkcs11 store          softhsm2/    SoftHSM2 configuration and tokens
#   tpmstate/                     swtpm state                *.log        daemon logs
#
# Progress and errors go to stderr; only `status` writes to stdout.
set -euo pipefail

readonly PROG=trust-rig
readonly TOKEN_LABEL=trustbridge
readonly TABRMD_TCTI='tabrmd:bus_type=session'
readonly SOFTHSM_LIB=/usr/lib/softhsm/libsofthsm2.so
readonly PACKAGES=(softhsm2 swtpm swtpm-tools tpm2-tools tpm2-abrmd libtss2-tcti-tabrmd0 libtss2-tcti-swtpm0
  libtpm2-pkcs11-1 libtpm2-pkcs11-tools opensc openssl)
readonly DBUS_SOCKET=dbus.sock
# Files and directories a rig writes; `start` replaces them, and nothing else in DIR is touched.
readonly RIG_FILES=(env.sh tpm2-pkcs11.cfg softhsm2.cfg user-pin so-pin pids swtpm.pid dbus.pid "$DBUS_SOCKET"
  swtpm.log dbus-daemon.log tpm2-abrmd.log tpm2-pkcs11 softhsm2 tpmstate)
# Unix socket paths are limited to 108 bytes including the terminating NUL.
readonly MAX_SOCKET_PATH=107

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}
now_ms() { date +%s%3N; }

usage() {
  sed -n '/^# Usage:/,/^# *$/{s/^# \{0,1\}//;p}' "$0" >&2
  exit 2
}

# Runs a command quietly; on failure shows its output and fails the current step.
OUTPUT=
run() {
  local rc=0
  OUTPUT=$("$@" 2>&1) || rc=$?
  if ((rc != 0)); then
    [[ -z $OUTPUT ]] || printf '%s\n' "$OUTPUT" | sed 's/^/    /' >&2
    say "$1 exited with status $rc"
    return "$rc"
  fi
}

package_installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'; }

cmd_install() {
  local missing=() pkg started
  for pkg in "${PACKAGES[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  package_installed dbus-daemon || package_installed dbus || missing+=(dbus-daemon)
  ((${#missing[@]})) || return 0

  [[ $(id -u) == 0 ]] || die "install: root is needed to install ${missing[*]}"
  started=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  run apt-get update -q || die "install: apt-get update failed"
  # Releases before bookworm ship the bus daemon only inside the dbus package.
  if [[ " ${missing[*]} " == *" dbus-daemon "* ]] && ! apt-cache show dbus-daemon >/dev/null 2>&1; then
    missing=("${missing[@]/#dbus-daemon/dbus}")
  fi
  say "installing ${missing[*]}"
  run apt-get install -y -q --no-install-recommends "${missing[@]}" || die "install: apt-get install failed"
  say "installed ${#missing[@]} packages in $(($(now_ms) - started)) ms"
}

tpm2_pkcs11_lib() {
  local lib
  for lib in /usr/lib/*/pkcs11/libtpm2_pkcs11.so; do
    if [[ -e $lib ]]; then
      printf '%s' "$lib"
      return 0
    fi
  done
  return 1
}

require_tools() {
  local tool missing=()
  for tool in swtpm tpm2-abrmd dbus-daemon tpm2_getrandom tpm2_dictionarylockout tpm2_ptool softhsm2-util \
    openssl setsid timeout /usr/bin/python3; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  tpm2_pkcs11_lib >/dev/null || missing+=(libtpm2_pkcs11.so)
  [[ -e $SOFTHSM_LIB ]] || missing+=("$SOFTHSM_LIB")
  ((${#missing[@]} == 0)) || die "start: missing ${missing[*]}; run '$0 install' first"
}

# Resolves DIR to an absolute path; returns 3 when DIR does not exist and is not to be created.
# DIR ends up in a D-Bus address and in swtpm options, which both give meaning to characters such as
# ',', '=', ';' and spaces, so only plain path characters are accepted.
rig_dir() {
  local dir=$1 create=$2
  [[ -n $dir ]] || usage
  [[ $dir == /* ]] || dir=$PWD/$dir
  check_rig_path "$dir"
  if [[ $create == create ]]; then
    mkdir -p -- "$dir" || die "cannot create rig directory $dir"
  fi
  [[ -d $dir ]] || return 3
  dir=$(cd -- "$dir" && pwd -P)
  check_rig_path "$dir"
  printf '%s' "$dir"
}

check_rig_path() {
  [[ $1 =~ ^[A-Za-z0-9_./-]+$ ]] || die "rig directory '$1' may only contain letters, digits and . _ / -"
  ((${#1} + ${#DBUS_SOCKET} + 1 <= MAX_SOCKET_PATH)) ||
    die "rig directory '$1' is too long for a unix socket path ($MAX_SOCKET_PATH bytes max)"
}

# True while the process exists and is not a zombie (a stopped rig daemon may linger as a zombie
# until its parent, often a container's init, reaps it).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

process_name() { cat "/proc/$1/comm" 2>/dev/null || printf '?'; }

# Processes are stopped by their recorded PID. The name check only guards against a PID that was reused
# by an unrelated program after the rig's process had died.
rig_process() {
  case $(process_name "$1") in
    swtpm | dbus-daemon | tpm2-abrmd) return 0 ;;
    *) return 1 ;;
  esac
}

recorded_pids() {
  local pid
  [[ -f $1/pids ]] || return 0
  while read -r pid; do
    if [[ $pid =~ ^[0-9]+$ ]]; then printf '%s\n' "$pid"; fi
  done <"$1/pids"
  return 0
}

stop_rig() {
  local dir=$1 pid i deadline
  local -a pids targets=() left=()
  mapfile -t pids < <(recorded_pids "$dir")
  # Newest first: the resource manager goes before its bus and its TPM.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    alive "$pid" || continue
    if ! rig_process "$pid"; then
      say "pid $pid is now '$(process_name "$pid")', not a rig process; left alone"
      continue
    fi
    say "stopping $(process_name "$pid") (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    targets+=("$pid")
  done
  deadline=$(($(now_ms) + 5000))
  for pid in "${targets[@]}"; do
    while alive "$pid" && (($(now_ms) < deadline)); do sleep 0.05; done
    if alive "$pid"; then
      say "pid $pid ignored SIGTERM for 5 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      if alive "$pid"; then left+=("$pid"); fi
    fi
  done
  rm -f -- "$dir/pids"
  ((${#left[@]} == 0)) || die "stop: processes ${left[*]} of $dir are still running"
}

STEP=
step() {
  STEP=$*
  say "$*"
}

# The swtpm TCTI always reaches the control channel on the port after the command port, so the rig
# needs a free pair of consecutive ports.
free_port_pair() {
  /usr/bin/python3 - <<'EOF'
import socket
for _ in range(100):
    first, second = socket.socket(), socket.socket()
    try:
        first.bind(("127.0.0.1", 0))
        port = first.getsockname()[1]
        second.bind(("127.0.0.1", port + 1))
    except OSError:
        continue
    finally:
        first.close()
        second.close()
    print(port, port + 1)
    break
else:
    raise SystemExit("no free pair of consecutive ports on 127.0.0.1")
EOF
}

# A free port can be taken by someone else between the probe and swtpm's bind, e.g. by a rig starting
# next to this one, so a bind failure is retried with new ports.
start_swtpm() {
  local dir=$1 attempt ports server ctrl pid
  for attempt in 1 2 3 4 5; do
    ports=$(free_port_pair)
    read -r server ctrl <<<"$ports"
    rm -f -- "$dir/swtpm.pid"
    if swtpm socket --tpm2 \
      --server "type=tcp,port=$server,bindaddr=127.0.0.1" \
      --ctrl "type=tcp,port=$ctrl,bindaddr=127.0.0.1" \
      --tpmstate "dir=$dir/tpmstate" \
      --flags not-need-init,startup-clear \
      --log "file=$dir/swtpm.log" \
      --pid "file=$dir/swtpm.pid" \
      --daemon </dev/null >>"$dir/swtpm.log" 2>&1; then
      pid=$(wait_for_pid_file "$dir/swtpm.pid") || {
        say "swtpm did not write $dir/swtpm.pid"
        return 1
      }
      printf '%s\n' "$pid" >>"$dir/pids"
      SWTPM_PORT=$server
      say "swtpm pid $pid on 127.0.0.1:$server (control 127.0.0.1:$ctrl)"
      return 0
    fi
    grep -qi 'address already in use' "$dir/swtpm.log" || {
      sed 's/^/    /' "$dir/swtpm.log" >&2
      return 1
    }
    say "ports $server/$ctrl were taken meanwhile (attempt $attempt); trying others"
    : >"$dir/swtpm.log"
  done
  say "no free port pair after 5 attempts"
  return 1
}

wait_for_pid_file() {
  local pid i
  for i in $(seq 50); do
    pid=$(cat "$1" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]]; then
      printf '%s' "$pid"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

tpm_answers() { timeout 10 tpm2_getrandom 4 >/dev/null 2>&1; }

write_file() { # path mode content
  rm -f -- "$1"
  (umask 077 && printf '%s' "$3" >"$1")
  chmod "$2" "$1"
}

sunpkcs11_cfg() { # name library description
  cat <<EOF
# SunPKCS11 configuration of the $3 token of the trust rig in $RIG (written by trust-rig.sh).
# The JVM needs the environment of $RIG/env.sh.
name = $1
library = $2
slotListIndex = 0
# Keys generated through this provider are token objects, sensitive and never extractable.
attributes(generate, CKO_PRIVATE_KEY, CKK_EC) = {
  CKA_TOKEN = true
  CKA_PRIVATE = true
  CKA_SENSITIVE = true
  CKA_EXTRACTABLE = false
  CKA_SIGN = true
}
attributes(generate, CKO_PUBLIC_KEY, CKK_EC) = {
  CKA_TOKEN = true
  CKA_VERIFY = true
}
EOF
}

RIG=
on_start_exit() {
  local rc=$?
  ((rc == 0)) && return 0
  say "start failed in step: $STEP"
  stop_rig "$RIG" || true
  say "stopped what this start had started; logs are in $RIG"
  exit "$rc"
}

cmd_start() {
  local started pid token_store user_pin so_pin tpm2_lib
  started=$(now_ms)
  require_tools
  RIG=$(rig_dir "${1:-}" create)
  tpm2_lib=$(tpm2_pkcs11_lib)
  for pid in $(recorded_pids "$RIG"); do
    alive "$pid" && rig_process "$pid" &&
      die "start: $RIG already holds a running rig (pid $pid); run '$0 stop $RIG' first"
  done
  local f
  for f in "${RIG_FILES[@]}"; do rm -rf -- "${RIG:?}/$f"; done
  : >"$RIG/pids"
  trap on_start_exit EXIT
  trap 'STEP+=" (interrupted)"; exit 130' INT
  trap 'STEP+=" (terminated)"; exit 143' TERM

  local bus="unix:path=$RIG/$DBUS_SOCKET"
  export DBUS_SESSION_BUS_ADDRESS=$bus TPM2TOOLS_TCTI=$TABRMD_TCTI TPM2_PKCS11_TCTI=$TABRMD_TCTI \
    TPM2_PKCS11_STORE=$RIG/tpm2-pkcs11 SOFTHSM2_CONF=$RIG/softhsm2/softhsm2.conf TSS2_LOG=all+NONE

  step "starting swtpm"
  mkdir -p "$RIG/tpmstate"
  start_swtpm "$RIG"

  step "starting private D-Bus session bus"
  dbus-daemon --session --fork --nosyslog --address="$bus" --print-pid=3 \
    3>"$RIG/dbus.pid" </dev/null >>"$RIG/dbus-daemon.log" 2>&1 || {
    sed 's/^/    /' "$RIG/dbus-daemon.log" >&2
    false
  }
  pid=$(wait_for_pid_file "$RIG/dbus.pid") || die "dbus-daemon reported no pid"
  printf '%s\n' "$pid" >>"$RIG/pids"

  # swtpm serves one client at a time and libtpms holds only 3 transient objects, so every client must
  # go through a resource manager that flushes objects between commands.
  step "starting tpm2-abrmd"
  setsid tpm2-abrmd --session --allow-root --flush-all --tcti="swtpm:host=127.0.0.1,port=$SWTPM_PORT" \
    </dev/null >>"$RIG/tpm2-abrmd.log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >>"$RIG/pids"

  step "waiting for the TPM to answer through tpm2-abrmd"
  local deadline=$(($(now_ms) + 15000))
  until tpm2_getrandom 4 >/dev/null 2>&1; do
    if ! alive "$pid"; then
      sed 's/^/    /' "$RIG/tpm2-abrmd.log" >&2
      die "tpm2-abrmd (pid $pid) exited"
    fi
    (($(now_ms) < deadline)) || die "the TPM did not answer through tpm2-abrmd within 15 s"
    sleep 0.05
  done
  # setsid forks only when it leads a process group; then the recorded pid would not be the daemon.
  [[ $(process_name "$pid") == tpm2-abrmd ]] || die "pid $pid is '$(process_name "$pid")', not tpm2-abrmd"

  # TEST RIG ONLY: the TPM locks DA-protected objects for 1000 s after 3 wrong authorisations, and
  # tpm2-pkcs11 PINs are TPM authorisations, so wrong-PIN tests would lock the token. Never do this to a
  # real TPM.
  step "relaxing the TPM's dictionary-attack lockout (test rig only)"
  run tpm2_dictionarylockout --clear-lockout
  run tpm2_dictionarylockout --setup-parameters --max-tries=4294967295 --recovery-time=0 \
    --lockout-recovery-time=0

  step "generating PINs"
  user_pin=$(openssl rand -hex 16)
  so_pin=$(openssl rand -hex 16)
  [[ ${#user_pin} == 32 && ${#so_pin} == 32 ]] || die "openssl rand gave no PIN"
  write_file "$RIG/user-pin" 600 "$user_pin"
  write_file "$RIG/so-pin" 600 "$so_pin"

  step "creating tpm2-pkcs11 token '$TOKEN_LABEL'"
  token_store=$RIG/tpm2-pkcs11
  mkdir -p "$token_store"
  run tpm2_ptool init --path="$token_store"
  local primary
  primary=$(sed -n 's/^id: *\([0-9][0-9]*\)$/\1/p' <<<"$OUTPUT")
  [[ -n $primary ]] || die "tpm2_ptool init printed no primary object id: $OUTPUT"
  run tpm2_ptool addtoken --pid="$primary" --label="$TOKEN_LABEL" --userpin="$user_pin" --sopin="$so_pin" \
    --path="$token_store"

  step "creating SoftHSM2 token '$TOKEN_LABEL'"
  mkdir -p "$RIG/softhsm2/tokens"
  cat >"$SOFTHSM2_CONF" <<EOF
# SoftHSM2 configuration of the trust rig in $RIG (written by trust-rig.sh)
directories.tokendir = $RIG/softhsm2/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
  run softhsm2-util --init-token --free --label "$TOKEN_LABEL" --pin "$user_pin" --so-pin "$so_pin"

  step "writing SunPKCS11 configurations and env.sh"
  sunpkcs11_cfg tpm2 "$tpm2_lib" TPM >"$RIG/tpm2-pkcs11.cfg"
  sunpkcs11_cfg softhsm2 "$SOFTHSM_LIB" SoftHSM2 >"$RIG/softhsm2.cfg"
  # Written last, so a rig that failed half-way has no env.sh that tests could pick up.
  {
    printf '# Environment of the trust rig in %s (written by trust-rig.sh); source it before a JVM uses the rig.\n' \
      "$RIG"
    local name
    for name in TRUSTBRIDGE_TRUST_RIG TPM2_PKCS11_STORE TPM2_PKCS11_TCTI TPM2TOOLS_TCTI \
      DBUS_SESSION_BUS_ADDRESS SOFTHSM2_CONF TSS2_LOG; do
      if [[ $name == TRUSTBRIDGE_TRUST_RIG ]]; then
        printf 'export %s=%q\n' "$name" "$RIG"
      else
        printf 'export %s=%q\n' "$name" "${!name}"
      fi
    done
  } >"$RIG/env.sh.tmp"
  mv -f -- "$RIG/env.sh.tmp" "$RIG/env.sh"

  STEP=finished
  trap - EXIT INT TERM
  say "rig ready in $RIG after $(($(now_ms) - started)) ms; source $RIG/env.sh"
}

cmd_stop() {
  local dir rc=0
  dir=$(rig_dir "${1:-}" existing) || rc=$?
  ((rc == 0 || rc == 3)) || exit "$rc"
  if ((rc == 3)) || [[ ! -f $dir/pids ]]; then
    say "no rig recorded in $1; nothing to stop"
    return 0
  fi
  stop_rig "$dir"
  say "rig in $dir stopped"
}

cmd_status() {
  local dir pid healthy=1 rc=0
  dir=$(rig_dir "${1:-}" existing) || rc=$?
  ((rc != 3)) || die "status: no directory $1"
  ((rc == 0)) || exit "$rc"
  if [[ ! -f $dir/pids ]]; then
    printf 'rig dir=%s state=stopped\n' "$dir"
    return 1
  fi
  for pid in $(recorded_pids "$dir"); do
    if alive "$pid" && rig_process "$pid"; then
      printf 'process pid=%s name=%s state=running\n' "$pid" "$(process_name "$pid")"
    else
      printf 'process pid=%s state=gone\n' "$pid"
      healthy=0
    fi
  done
  if DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/$DBUS_SOCKET" TPM2TOOLS_TCTI=$TABRMD_TCTI TSS2_LOG=all+NONE \
    tpm_answers; then
    printf 'tpm via=tpm2-abrmd state=answering\n'
  else
    printf 'tpm via=tpm2-abrmd state=not-answering\n'
    healthy=0
  fi
  ((healthy))
}

main() {
  local cmd=${1:-}
  shift || true
  case $cmd:$# in
    install:0) cmd_install ;;
    start:1) cmd_start "$1" ;;
    stop:1) cmd_stop "$1" ;;
    status:1) cmd_status "$1" ;;
    *) usage ;;
  esac
}

main "$@"
