# The tools dgd's derivations run, taken from a nixpkgs-like package set: real nixpkgs, or the
# host toolchain set that scripts/with-nix records (same attribute names, other store paths).
{ pkgs
, go ? pkgs.go            # the Go toolchain that plans, compiles and links
, innerNix ? pkgs.nix     # the nix run inside the dynamic-derivation producer (recursive-nix)
, cc ? pkgs.stdenv.cc     # the C compiler for cgo: a package with bin/gcc (or "/usr" on the host set)
}:
let
  system = pkgs.stdenv.hostPlatform.system or pkgs.system;
  # nixpkgs' busybox is dynamically linked, which is fine in Nix; the host set's is static
  busybox = pkgs.busybox;
in
rec {
  inherit system go innerNix cc busybox;
  # the tools stdenv gives every build (coreutils, findutils, sed, grep, tar, gzip, bzip2, xz,
  # ...), which buildGoModule's checkPhase has on PATH: the test runs get them too
  checkTools = pkgs.stdenv.initialPath or [ ];
  # strip: nixpkgs' bintools, or the host's /usr
  bintools = pkgs.stdenv.cc.bintools or pkgs.stdenv.cc;
  # dgd's own toolchain: dgd is built with it, never with the `go` argument, which may be older
  # than dgd's dependencies allow
  dgdGo = pkgs.go;

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
