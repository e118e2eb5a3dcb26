# Sourced by the scripts that take packages from Debian trixie without installing
# them on this machine (scripts/libgpiod2-prefix, scripts/trixie-chroot,
# scripts/aarch64-sdk, scripts/package-deb): one private apt state for trixie's
# amd64 and arm64 packages, and one cache directory outside the clone, so a new
# clone on the same machine reuses what an earlier one downloaded and built.
#
# HOLDFAST_CACHE       the cache (default /var/cache/holdfast-ci as root,
#                      ${XDG_CACHE_HOME:-$HOME/.cache}/holdfast otherwise)
# HOLDFAST_MIRROR      the Debian mirror (default http://deb.debian.org/debian)

if [ -z "${HOLDFAST_CACHE:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then HOLDFAST_CACHE=/var/cache/holdfast-ci
  else HOLDFAST_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/holdfast; fi
fi
HOLDFAST_MIRROR=${HOLDFAST_MIRROR:-http://deb.debian.org/debian}
TRIXIE_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
trixie_state=$HOLDFAST_CACHE/apt-trixie

# apt's options for the private state: trixie main for amd64 and arm64, nothing
# of this machine's own sources, preferences or installed packages.
trixie_apt_options=(
  -o Dir::Etc::SourceList="$trixie_state/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
  -o Dir::State::Lists="$trixie_state/lists" -o Dir::Cache="$trixie_state/cache"
  -o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin
  -o Dir::State::Status="$trixie_state/status" -o APT::Sandbox::User=root
  -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
  -o Acquire::Languages=none
)

# trixie_update: refreshes the package lists (a conditional download when nothing changed).
trixie_update() {
  command -v apt-get >/dev/null || { echo "needs apt-get (Debian or a derivative)" >&2; return 1; }
  [ -f "$TRIXIE_KEYRING" ] || scripts/ensure-packages trixie >&2
  mkdir -p "$trixie_state/lists/partial" "$trixie_state/cache/archives/partial"
  : > "$trixie_state/status"  # nothing installed
  echo "deb [signed-by=$TRIXIE_KEYRING] $HOLDFAST_MIRROR trixie main" > "$trixie_state/sources.list"
  apt-get "${trixie_apt_options[@]}" update -qq >&2
}

# trixie_apt_get ARGS... and trixie_apt_cache ARGS...: apt-get and apt-cache on the private state.
trixie_apt_get() { apt-get "${trixie_apt_options[@]}" "$@"; }
trixie_apt_cache() { apt-cache "${trixie_apt_options[@]}" "$@"; }

# trixie_download DIR PACKAGE...: the packages' .deb files into DIR, each checked against
# the archive's hash and kept in the private state's archive cache, so an unchanged
# package is not fetched again (PACKAGE may name an architecture: libc6:arm64).
trixie_download() {
  local dir=$1 uri name size hash archives=$trixie_state/cache/archives
  shift
  mkdir -p "$dir"
  trixie_apt_get --print-uris -qq download "$@" > "$trixie_state/uris"
  while read -r uri name size hash; do
    uri=${uri//\'/}
    [ -s "$archives/$name" ] || /usr/lib/apt/apt-helper -o APT::Sandbox::User=root -qq download-file "$uri" "$archives/$name" "$hash" >&2
    cp "$archives/$name" "$dir/"
  done < "$trixie_state/uris"
}

# trixie_closure PACKAGE...: every package (and version) that installing PACKAGE...
# into an empty system pulls in, sorted: what a cache built from them is keyed by.
# Remembered per state of the archive (its InRelease), since resolving takes seconds.
trixie_closure() {
  local memo
  memo=$trixie_state/closures/$(cache_key "$(cat "$trixie_state"/lists/*InRelease)" "$@")
  if [ ! -s "$memo" ]; then
    mkdir -p "$trixie_state/closures"
    trixie_apt_get -s -qq --no-install-recommends install "$@" 2>/dev/null \
      | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' | sort > "$memo.partial"
    [ -s "$memo.partial" ] || { echo "trixie: cannot resolve $* in trixie" >&2; return 1; }
    mv "$memo.partial" "$memo"
  fi
  cat "$memo"
}

# cache_key TEXT...: a short hash naming a cache entry by what it holds.
cache_key() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
