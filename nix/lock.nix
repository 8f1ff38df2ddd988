# Lock-file mode: one fixed-output derivation per module that dgd.lock names (written by
# `dgd lock`), so changing one dependency downloads only that one. A lock that is out of date
# with go.mod or go.sum is refused during evaluation.
{ tc, src, lockFile, name }:
let
  inherit (builtins) filter isString split readFile match elemAt head listToAttrs map
    concatStringsSep pathExists hashFile;
  # every line that is not empty or a comment, matched once: a header or a module (the same
  # lines as internal/lock's Parse accepts); a truncated or edited line is refused by number
  all = filter isString (split "\n" (readFile lockFile));
  parsed = filter (x: x != null) (builtins.genList (i:
    let l = elemAt all i; h = match "(go\\.mod|go\\.sum) ([0-9a-f]+|none)" l;
        e = match "(module|mod) ([^ ]+) ([^ ]+) (sha256-[A-Za-z0-9+/]+=*)" l; in
    if l == "" || builtins.substring 0 1 l == "#" then null
    else if h != null then { header = h; } else if e != null then { entry = e; }
    else throw "dgd: ${toString lockFile}:${toString (i + 1)}: not a line of a dgd.lock: \"${l}\" (regenerate it with `dgd lock`)")
    (builtins.length all));
  header = k: let m = filter (p: p ? header && head p.header == k) parsed;
    in if m == [ ] then throw "dgd: ${toString lockFile} has no ${k} line: regenerate it with `dgd lock`" else elemAt (head m).header 1;
  fileHash = f: if pathExists "${src}/${f}" then hashFile "sha256" "${src}/${f}" else "none";
  stale = fileHash "go.mod" != header "go.mod" || fileHash "go.sum" != header "go.sum";
  entries = map (p: let m = p.entry; in { kind = elemAt m 0; path = elemAt m 1; version = elemAt m 2; hash = elemAt m 3; })
    (filter (p: p ? entry) parsed);
  inherit (import ./lib.nix) storeName proxyEnvVars downloadPrelude;
  # the download's layout is dgd's (`dgd fetch`), the one `dgd lock` hashes
  dgd = import ./dgd.nix { inherit tc; };

  fetch = e: tc.run {
    name = "gomod-" + storeName "${e.path}@${e.version}";
    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputHash = e.hash;
    impureEnvVars = proxyEnvVars;
    script = ''
      export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOMODCACHE=$TMPDIR/modcache \
        GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on
      ${downloadPrelude}${dgd}/bin/dgd fetch -go ${tc.dgdGo}/bin/go -hash ${e.hash} ${if e.kind == "mod" then "-mod " else ""}${e.path}@${e.version} $out
    '';
  };
  modules = listToAttrs (map (e: { name = "${e.path}@${e.version}"; value = fetch e; }) entries);
in
if stale then throw "dgd: ${toString lockFile} is out of date with go.mod/go.sum of ${name}: run `dgd lock` in the module's directory (`dgd lock -check` tells whether it is up to date)"
else {
  inherit modules;
  # for `dgd plan -modules`: kind, path, version, download
  modulesFile = concatStringsSep "" (map (e: "${e.kind} ${e.path} ${e.version} ${modules."${e.path}@${e.version}"}\n") entries);
}
