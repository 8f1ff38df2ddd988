# dgd: Go builds as one Nix derivation per package.
#
#   dgd = import ./. { };   # pkgs: <nixpkgs>, else the host toolchain set of scripts/with-nix
#   dgd.buildWithIFD { src = ./.; vendorHash = "sha256-..."; }
#   dgd.buildWithDynDrv { ... same arguments ... }
{ pkgs ? null
, useDynDrv ? true   # which builder the examples and testExamples use
}:
let
  hostPkgs = builtins.getEnv "DGD_HOST_PKGS";
  pkgs' =
    if pkgs != null then pkgs
    else if builtins.any (e: e.prefix == "nixpkgs") builtins.nixPath then import <nixpkgs> { }
    else if hostPkgs != "" then import hostPkgs
    else throw "dgd: no package set: pass `pkgs`, put nixpkgs on NIX_PATH, or run through scripts/with-nix (it records the host toolchain set in DGD_HOST_PKGS)";
  builders = import ./nix/build.nix { pkgs = pkgs'; };
  tc = import ./nix/toolchain.nix { pkgs = pkgs'; };
  build = if useDynDrv then builders.buildWithDynDrv else builders.buildWithIFD;
  examples = import ./examples { inherit build; pkgs = pkgs'; };
in
{
  inherit (builders) buildWithIFD buildWithDynDrv;
  inherit examples;
  dgd = import ./nix/dgd.nix { inherit tc; };

  # every example x every Go toolchain of pkgs x both builders, compared with go build
  matrix = import ./nix/matrix.nix { pkgs = pkgs'; inherit builders; examples = import ./examples/args.nix { pkgs = pkgs'; }; };

  # Runs every example and checks that it prints "Hello, DGD!".
  testExamples = tc.run {
    name = "dgd-test-examples-${if useDynDrv then "dyndrv" else "ifd"}";
    extraPath = [ tc.cc ]; # cgo binaries need the C library's loader (on the host set: /lib64)
    script = builtins.concatStringsSep "\n" (map (n: ''
      for b in ${examples.${n}}/bin/*; do
        got=$($b 2>&1) || { echo "FAIL ${n}: $b: exit status $?: $got" >&2; exit 1; }
        if [ "$got" != "Hello, DGD!" ]; then echo "FAIL ${n}: $b printed '$got'" >&2; exit 1; fi
        echo "ok ${n} ''${b##*/}" | tee -a $out
      done
    '') (builtins.attrNames examples));
  };
}
