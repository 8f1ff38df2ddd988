# Sourced by scripts/with-nix and scripts/nix-2.35: Debian forky's packages, fetched with a
# private apt state (the host's apt sources and status are never read or written).
# Needs: DGD_HOME, log, die. Environment: DGD_MIRROR (default: the host's Debian mirror).

host_mirror() {
  local m="" f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    m=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' "$f")
    [ -n "$m" ] && break
  done
  if [ -z "$m" ] && [ -e /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb" {for(i=2;i<=NF;i++) if ($i ~ /^(http|https):.*\/debian\/?$/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || die "no Debian mirror found in /etc/apt; set DGD_MIRROR"
  echo "$m"
}

# fetch_debs DIR PKG...: download PKG... and their dependency closure from Debian forky into DIR,
# resolving against an empty dpkg status; the host's apt configuration and state are not used.
fetch_debs() {
  local dir=$1; shift
  local t; t=$(mktemp -d "$DGD_HOME/.apt.XXXXXX")
  mkdir -p "$dir/partial" "$t/lists/partial" "$t/cache" "$t/prefs.d"
  : > "$t/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DGD_MIRROR:-$(host_mirror)} forky main" > "$t/sources.list"
  local apt=(-o Dir::Etc::sourcelist="$t/sources.list" -o Dir::Etc::sourceparts=- -o Dir::Etc::preferences=/dev/null
    -o Dir::Etc::preferencesparts="$t/prefs.d" -o Dir::State::Lists="$t/lists" -o Dir::Cache="$t/cache"
    -o Dir::Cache::archives="$dir" -o Dir::State::status="$t/status" -o Dir::State::extended_states="$t/ext"
    -o Debug::NoLocking=1 -o APT::Install-Recommends=0 -o APT::Sandbox::User=root
    -o Acquire::Check-Valid-Until=false -q)
  apt-get "${apt[@]}" update >/dev/null || die "apt-get update of Debian forky failed"
  apt-get "${apt[@]}" -s install "$@" | awk '/^Inst /{print $2}' > "$dir/closure"
  apt-get "${apt[@]}" -y install --download-only "$@" >/dev/null || die "downloading $* failed"
  rm -rf "$t"
}
