# shellcheck shell=bash
# ccwpass: helpers to make sure host-side Debian packages are present.
#
# Source this file, then call:
#   ccwpass_need_pkgs PKG...     install the missing ones with apt-get
#   ccwpass_need_s390x_arch      enable the s390x foreign architecture
#
# Both assume root (as on the project machines) and are no-ops when there is
# nothing to do, so they are cheap to call at the start of every script.

# Guard against double sourcing.
if [[ -n "${_CCWPASS_DEPS_SH:-}" ]]; then
    return 0
fi
_CCWPASS_DEPS_SH=1

# Set once `apt-get update` ran in this process, so we never run it twice.
_ccwpass_apt_updated=0

_ccwpass_deps_msg() {
    printf '%s\n' "deps: $*" >&2
}

_ccwpass_require_root() {
    if [[ "$(id -u)" != 0 ]]; then
        _ccwpass_deps_msg "must be root to $1 (run as root or install by hand: $2)"
        return 1
    fi
}

# Run apt-get quietly and non-interactively; on failure show its output.
_ccwpass_apt() {
    local out rc=0
    # Lock::Timeout: a fresh machine's unattended-upgrades may hold the
    # dpkg lock for a while; wait for it instead of failing.
    out=$(DEBIAN_FRONTEND=noninteractive apt-get -qq -o=Dpkg::Use-Pty=0 \
        -o DPkg::Lock::Timeout=600 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "$@" 2>&1) || rc=$?
    if ((rc != 0)); then
        _ccwpass_deps_msg "apt-get $* failed (exit $rc):"
        printf '%s\n' "$out" | tail -n 20 >&2
    fi
    return "$rc"
}

ccwpass_apt_update() {
    if ((_ccwpass_apt_updated)); then
        return 0
    fi
    _ccwpass_require_root "run apt-get update" "apt-get update" || return 1
    _ccwpass_deps_msg "apt-get update"
    _ccwpass_apt update || return 1
    _ccwpass_apt_updated=1
}

# True when PKG (may carry an :arch suffix) is installed.
_ccwpass_pkg_installed() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
    [[ "$status" == installed ]]
}

# True when apt knows a candidate version for PKG.
_ccwpass_pkg_known() {
    local cand
    cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
    [[ -n "$cand" && "$cand" != "(none)" ]]
}

# ccwpass_need_pkgs PKG... : install those of PKG... that are not installed.
ccwpass_need_pkgs() {
    local pkg missing=() unknown=()
    for pkg in "$@"; do
        _ccwpass_pkg_installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0

    _ccwpass_require_root "install ${missing[*]}" "apt-get install ${missing[*]}" || return 1
    # Refresh the lists only when a package is unknown (never-updated host or
    # stale lists); otherwise try the install straight away.
    for pkg in "${missing[@]}"; do
        _ccwpass_pkg_known "$pkg" || unknown+=("$pkg")
    done
    if ((${#unknown[@]} > 0)); then
        ccwpass_apt_update || return 1
    fi
    _ccwpass_deps_msg "installing ${missing[*]} (the first time this takes minutes)"
    if ! _ccwpass_apt install -y --no-install-recommends "${missing[@]}"; then
        # Stale lists can point at versions the mirror no longer has: retry once
        # after an update.
        if ((_ccwpass_apt_updated == 0)); then
            ccwpass_apt_update || return 1
            _ccwpass_apt install -y --no-install-recommends "${missing[@]}" || {
                _ccwpass_deps_msg "could not install: ${missing[*]}"
                return 1
            }
        else
            _ccwpass_deps_msg "could not install: ${missing[*]}"
            return 1
        fi
    fi
}

# Directory holding apt's package lists (usually /var/lib/apt/lists/).
ccwpass_apt_lists_dir() {
    local L=
    eval "$(apt-config shell L Dir::State::lists/d)"
    printf '%s\n' "${L:-/var/lib/apt/lists/}"
}

# True when package lists for the s390x architecture have been downloaded.
_ccwpass_have_s390x_lists() {
    compgen -G "$(ccwpass_apt_lists_dir)*_binary-s390x_Packages*" >/dev/null
}

# ccwpass_need_s390x_arch : make s390x packages downloadable (apt-get download
# PKG:s390x). Never installs s390x packages on the host.
ccwpass_need_s390x_arch() {
    if dpkg --print-foreign-architectures | grep -qx s390x; then
        # Architecture present; make sure its package lists exist too (an
        # earlier run may have been interrupted before apt-get update).
        _ccwpass_have_s390x_lists && return 0
        ccwpass_apt_update || return 1
        _ccwpass_have_s390x_lists || {
            _ccwpass_deps_msg "apt-get update fetched no s390x package lists (check the apt sources)"
            return 1
        }
        return 0
    fi
    _ccwpass_require_root "add the s390x architecture" \
        "dpkg --add-architecture s390x && apt-get update" || return 1
    _ccwpass_deps_msg "dpkg --add-architecture s390x"
    dpkg --add-architecture s390x || {
        _ccwpass_deps_msg "dpkg --add-architecture s390x failed"
        return 1
    }
    _ccwpass_apt_updated=0
    ccwpass_apt_update || return 1
    _ccwpass_have_s390x_lists || {
        _ccwpass_deps_msg "apt-get update fetched no s390x package lists (check the apt sources)"
        return 1
    }
}
