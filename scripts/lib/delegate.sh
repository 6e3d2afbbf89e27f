# Sourced by scripts/start and scripts/test: `delegate_cgroup "$script" "$@"` first thing.
# On a cgroup v2 host under systemd, the script runs again inside a transient scope with
# Delegate=yes (a root shell's session scope has the memory and pids controllers at most,
# and the sandbox engine needs cpu too), then moves itself into the scope's "server" leaf
# and hands cpu, memory and pids down, so the engine makes its runs' cgroups beside it
# (sandboxes/engine/cgroup_v2.py). On cgroup v1, or without systemd, it does nothing: the
# engine's start-up check then says what is missing.
delegate_cgroup() {
  local script=$1 own group
  shift
  [ -f /sys/fs/cgroup/cgroup.controllers ] || return 0
  [ -d /run/systemd/system ] && command -v systemd-run >/dev/null || return 0
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  if [ "${own##*/}" != "${CODESANDBOXES_SCOPE:-}" ]; then
    # systemd may refuse a scope (no D-Bus in a container): then the engine's check explains.
    systemd-run --quiet --scope -p Delegate=yes true 2>/dev/null || return 0
    export CODESANDBOXES_SCOPE="codesandboxes-$$-$RANDOM.scope"
    exec systemd-run --quiet --scope --unit "$CODESANDBOXES_SCOPE" -p Delegate=yes \
      --description "Code Sandboxes: $script" -- "$script" "$@"
  fi
  unset CODESANDBOXES_SCOPE
  group=/sys/fs/cgroup$own
  mkdir -p "$group/server"
  echo $$ > "$group/server/cgroup.procs"
  echo "+cpu +memory +pids" > "$group/cgroup.subtree_control"
}
