# libgreet as a package in the store (include/, lib/libgreet.a, lib/pkgconfig/greet.pc), built
# with the package set's C compiler: what examples/clib gets from buildInputs.
{ pkgs }:
let
  cc = pkgs.stdenv.cc;
  bintools = cc.bintools or cc; # ar: nixpkgs' bintools, or the host's /usr
in
derivation {
  name = "libgreet-1.0";
  system = pkgs.stdenv.hostPlatform.system or pkgs.system;
  builder = "${pkgs.busybox}/bin/sh";
  src = builtins.path { path = ./.; name = "libgreet-src"; };
  args = [ "-e" "-c" ''
    export PATH=${cc}/bin:${bintools}/bin:${pkgs.busybox}/bin
    mkdir -p $out/include $out/lib/pkgconfig
    cd $TMPDIR
    gcc -O2 -c $src/greet.c -o greet.o
    ${bintools}/bin/ar rcs $out/lib/libgreet.a greet.o # not busybox's ar, which cannot create
    cp $src/greet.h $out/include/
    sed "s|@out@|$out|" $src/greet.pc > $out/lib/pkgconfig/greet.pc
  '' ];
}
