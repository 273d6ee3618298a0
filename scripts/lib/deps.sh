# Sourced by the scripts in scripts/: installs what a fresh Debian 12 machine lacks.
# Uses sudo when not root; runs `apt-get update` at most once per call.

_apt_updated=0

# ensure_apt_packages PKG... — installs the Debian packages that are not installed yet.
ensure_apt_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}" >&2
    if [ "$_apt_updated" -eq 0 ]; then
        $sudo apt-get update -qq
        _apt_updated=1
    fi
    # policy-rc.d-free install: services some packages ship (smstools) are not started by apt in containers
    # without an init system, and the tests start what they need themselves.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# try_apt_packages PKG... — like ensure_apt_packages, but a failure is reported and not fatal; the checks of
# scripts/interop-upnp that need the package then report themselves skipped.
try_apt_packages() {
    ensure_apt_packages "$@" || echo "warning: could not install $*; checks that need them will say so and skip" >&2
}

# The packages the build itself needs (README "Quick start").
BUILD_PACKAGES=(libxml2-dev libsqlite3-dev libudev-dev pkg-config)
