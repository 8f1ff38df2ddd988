# The tools dgd's derivations run, as plain data (store paths, the system), and `run`, which
# makes a derivation with them. toolchain.nix takes them from a package set; inside the
# dynamic-derivation producer they come back from this data, so both give the same derivations.
{ go          # the Go toolchain that plans, compiles and links
, innerNix    # the nix run inside the dynamic-derivation producer (recursive-nix)
, cc          # the C compiler for cgo: a package with bin/gcc (or "/usr" on the host set)
, busybox     # sh and the applets every script runs with
, system
, checkTools ? [ ] # what buildGoModule's checkPhase has on PATH (stdenv's coreutils, tar, ...)
}:
rec {
  inherit system go innerNix cc busybox checkTools;
  # what the argument was, for packages.nix's callers
  data = { inherit system go innerNix cc busybox checkTools; };

  # A derivation running `script` with busybox's sh and applets on PATH (plus extraPath).
  run = { name, script, extraPath ? [ ], ... }@attrs:
    derivation ((removeAttrs attrs [ "script" "extraPath" ]) // {
      inherit name system;
      builder = "${busybox}/bin/sh";
      args = [ "-e" "-c" ". \"$scriptPath\"" ];
      inherit script;
      passAsFile = [ "script" ] ++ (attrs.passAsFile or [ ]);
      PATH = builtins.concatStringsSep ":" ([ "${busybox}/bin" ] ++ map (p: "${p}/bin") extraPath);
    });
}
