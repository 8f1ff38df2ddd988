# The tools dgd's derivations run (tools.nix), taken from a nixpkgs-like package set: real
# nixpkgs, or the host toolchain set that scripts/with-nix records (same attribute names, other
# store paths).
{ pkgs
, go ? pkgs.go            # the Go toolchain that plans, compiles and links
, innerNix ? pkgs.nix     # the nix run inside the dynamic-derivation producer (recursive-nix)
, cc ? pkgs.stdenv.cc     # the C compiler for cgo: a package with bin/gcc (or "/usr" on the host set)
}:
import ./tools.nix {
  inherit go innerNix cc;
  system = pkgs.stdenv.hostPlatform.system or pkgs.system;
  # nixpkgs' busybox is dynamically linked, which is fine in Nix; the host set's is static
  busybox = pkgs.busybox;
  # the tools stdenv gives every build (coreutils, findutils, sed, grep, tar, gzip, bzip2, xz,
  # ...), which buildGoModule's checkPhase has on PATH: the test runs get them too
  checkTools = pkgs.stdenv.initialPath or [ ];
} // {
  # strip: nixpkgs' bintools, or the host's /usr
  bintools = pkgs.stdenv.cc.bintools or pkgs.stdenv.cc;
  # dgd's own toolchain: dgd is built with it, never with the `go` argument, which may be older
  # than dgd's dependencies allow
  dgdGo = pkgs.go;
}
