# Lock-file mode: one fixed-output derivation per module whose code dgd.lock locks (written by
# `dgd lock`), so changing one dependency downloads only that one, and one for the go.mod files
# of the modules go only reads the go.mod of (the lock's "mod" lines, hashed by its "mods"
# line). A lock that is out of date with go.mod or go.sum is refused during evaluation.
{ tc, src, lockFile, name
, dgd # dgd.nix's: the download's layout is dgd's (`dgd fetch`), the one `dgd lock` hashes
}:
let
  inherit (builtins) filter isString split readFile match elemAt head listToAttrs map
    concatStringsSep pathExists hashFile length genList;
  # every line that is not empty or a comment, matched once: a header, the shared download's
  # hash or a module (the same lines as internal/lock's Parse accepts; of a repeated header, the
  # last counts, as there); a truncated or edited line is refused by number
  all = filter isString (split "\n" (readFile lockFile));
  sri = "(sha256-[A-Za-z0-9+/]+=*)";
  parsed = filter (x: x != null) (genList (i:
    let l = elemAt all i; h = match "(go\\.mod|go\\.sum) ([0-9a-f]+|none)" l;
        ms = match "mods ${sri}" l;
        sh = match "mod ([^ ]+) ([^ ]+)" l;
        e = match "(module|mod) ([^ ]+) ([^ ]+) ${sri}" l; in
    if l == "" || builtins.substring 0 1 l == "#" then null
    else if h != null then { header = h; } else if ms != null then { mods = head ms; }
    else if sh != null then { entry = [ "mod" (elemAt sh 0) (elemAt sh 1) null ]; }
    else if e != null then { entry = e; }
    else throw "dgd: ${toString lockFile}:${toString (i + 1)}: not a line of a dgd.lock: \"${l}\" (regenerate it with `dgd lock`)")
    (length all));
  lastOf = f: let m = filter f parsed; in if m == [ ] then null else elemAt m (length m - 1);
  header = k: let m = lastOf (p: p ? header && head p.header == k);
    in if m == null then throw "dgd: ${toString lockFile} has no ${k} line: regenerate it with `dgd lock`" else elemAt m.header 1;
  fileHash = f: if pathExists "${src}/${f}" then hashFile "sha256" "${src}/${f}" else "none";
  stale = fileHash "go.mod" != header "go.mod" || fileHash "go.sum" != header "go.sum";
  entries = map (p: let m = p.entry; in { kind = elemAt m 0; path = elemAt m 1; version = elemAt m 2; hash = elemAt m 3; })
    (filter (p: p ? entry) parsed);
  # the "mod" lines without a hash: one download, N/mod the N-th's go.mod
  shared = filter (e: e.hash == null) entries;
  modsHash = let m = lastOf (p: p ? mods); in
    if m != null then m.mods
    else throw "dgd: ${toString lockFile} has \"mod\" lines without a hash but no mods line: regenerate it with `dgd lock`";
  inherit (import ./lib.nix) storeName proxyEnvVars downloadPrelude;

  download = { name, hash, args, ... }@attrs: tc.run ((removeAttrs attrs [ "hash" "args" ]) // {
    inherit name;
    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputHash = hash;
    impureEnvVars = proxyEnvVars;
    script = ''
      export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath \
        GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on
      ${downloadPrelude}${dgd}/bin/dgd fetch -go ${tc.dgdGo}/bin/go -hash ${hash} ${args} $out
    '';
  });
  fetch = e: download {
    name = "gomod-" + storeName "${e.path}@${e.version}";
    inherit (e) hash;
    args = "${if e.kind == "mod" then "-mod " else ""}${e.path}@${e.version}";
  };
  # named to sort before every module's download ("+" is in no module path): Nix starts ready
  # builds in the order of their names, and this one (hundreds of go.mod files, each the
  # proxy's latency) is among the longest, which the plan waits for as for every other
  sharedDownload = download {
    name = "gomod-+mod-files";
    hash = modsHash;
    modsList = concatStringsSep "\n" (map (e: "${e.path}@${e.version}") shared);
    passAsFile = [ "modsList" ];
    args = "-mods $modsListPath";
  };
  # the modules downloaded alone (their lines have a hash), by path@version
  alone = map (e: { name = "${e.path}@${e.version}"; value = fetch e; }) (filter (e: e.hash != null) entries);
  modules = listToAttrs (alone
    ++ genList (i: let e = elemAt shared i; in { name = "${e.path}@${e.version}"; value = "${sharedDownload}/${toString i}"; }) (length shared));
in
if stale then throw "dgd: ${toString lockFile} is out of date with go.mod/go.sum of ${name}: run `dgd lock` in the module's directory (`dgd lock -check` tells whether it is up to date)"
else {
  inherit modules;
  # every download, as derivations (the shared one only when the lock has "mod" lines without
  # a hash): what scripts/bench builds before a cold build with BENCH_MODULES=stored
  downloads = map (a: a.value) alone ++ (if shared == [ ] then [ ] else [ sharedDownload ]);
  # for `dgd plan -modules`: kind, path, version, download
  modulesFile = concatStringsSep "" (map (e: "${e.kind} ${e.path} ${e.version} ${modules."${e.path}@${e.version}"}\n") entries);
}
