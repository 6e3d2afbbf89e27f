# Sourced by scripts/install. Ubuntu 23.10 and later restrict unprivileged user namespaces
# through AppArmor (kernel.apparmor_restrict_unprivileged_userns=1): a program without a
# profile granting `userns` gets a namespace without capabilities, and bubblewrap, run as
# the unprivileged sandbox user, cannot set up its uid map. The profile below grants
# exactly that to the one bwrap binary the engine runs, and nothing to anything else
# (Ubuntu ships the same kind of profile for the browsers that need user namespaces).
APPARMOR_USERNS_SYSCTL=${APPARMOR_USERNS_SYSCTL:-/proc/sys/kernel/apparmor_restrict_unprivileged_userns}
APPARMOR_BWRAP_PROFILE=${APPARMOR_BWRAP_PROFILE:-/etc/apparmor.d/codesandboxes-bwrap}

userns_restricted() {  # true if AppArmor restricts unprivileged user namespaces here
  [ "$(cat "$APPARMOR_USERNS_SYSCTL" 2>/dev/null)" = 1 ]
}

bwrap_profile() {  # bwrap_profile /usr/bin/bwrap: the profile's text
  cat <<PROFILE
# Installed by Code Sandboxes (scripts/install): let $1 create the user namespaces its
# sandboxes need, as kernel.apparmor_restrict_unprivileged_userns=1 forbids by default.
abi <abi/4.0>,
include <tunables/global>

profile codesandboxes-bwrap $1 flags=(unconfined) {
  userns,

  include if exists <local/codesandboxes-bwrap>
}
PROFILE
}

install_bwrap_profile() {  # install_bwrap_profile /usr/bin/bwrap
  local text
  userns_restricted || return 0
  text=$(bwrap_profile "$1")
  if [ "$(cat "$APPARMOR_BWRAP_PROFILE" 2>/dev/null)" != "$text" ]; then
    say "AppArmor restricts unprivileged user namespaces: installing $APPARMOR_BWRAP_PROFILE for $1"
    printf '%s\n' "$text" > "$APPARMOR_BWRAP_PROFILE.tmp"
    mv "$APPARMOR_BWRAP_PROFILE.tmp" "$APPARMOR_BWRAP_PROFILE"
  fi
  apparmor_parser -r "$APPARMOR_BWRAP_PROFILE" || die "apparmor_parser could not load
  $APPARMOR_BWRAP_PROFILE. Either load a profile granting 'userns' to $1, or allow user
  namespaces for every program: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
}
