# The Go version matrix: every example built with every Go toolchain of pkgs (go and
# go_1_22, go_1_23, ...), both ways, each binary compared byte for byte with what plain
# `go build -trimpath` makes from the same source with the same toolchain, in the sandbox.
#
#   matrix.<toolchain>  one toolchain's results: lines "go-version example mode result"
#   matrix.all          every toolchain's; fails unless every result is "identical"
{ pkgs, builders, examples }:
let
  inherit (builtins) attrNames filter match concatStringsSep concatMap listToAttrs head;
  tc = import ./toolchain.nix { inherit pkgs; };
  minMinor = 22;
  toolchains = { go = pkgs.go; } // listToAttrs (map (n: { name = n; value = pkgs.${n}; })
    (filter (n: let m = match "go_1_([0-9]+)" n; in m != null && builtins.fromJSON (head m) >= minMinor) (attrNames pkgs)));
  # examples built from the same source as another one compare with its go build
  oracleOf = { dep_lock = "dep"; };
  sameAs = ex: oracleOf.${ex} or ex;
  inherit (import ./lib.nix) shellQuote cgoInputEnv;

  # plain go build of every example with one toolchain, one shared GOCACHE
  oracle = name: go: tc.run {
    name = "go-build-examples-${name}";
    extraPath = [ tc.cc ];
    script = ''
      export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off GOFLAGS=
    '' + concatStringsSep "" (map (ex:
      let a = examples.${ex};
          modcache = if a ? vendorHash && a.vendorHash != null
            then import ./modules.nix { inherit tc; name = a.pname or ex; src = a.src; inherit (a) vendorHash; } else null;
      in ''
        (
          cd ${a.src}
          ${if modcache == null then "" else "export GOMODCACHE=${modcache}"}
          ${concatStringsSep "\n" (map (k: "export ${k}=${toString a.env.${k}}") (attrNames (a.env or { })))}
          ${concatStringsSep "\n" (map (e: "export ${shellQuote e}") (cgoInputEnv (a.env or { }) (a.buildInputs or [ ])))}
          export PATH=$PATH${concatStringsSep "" (map (p: ":${p}/bin") (a.nativeBuildInputs or [ ]))}
          ${go}/bin/go build -trimpath -buildvcs=false -ldflags=${shellQuote (concatStringsSep " " ((a.ldflags or [ ]) ++ [ "-buildid=" ]))} \
            ${if a ? tags then "-tags=" + concatStringsSep "," a.tags else ""} -o $out/${ex}/ ${if a ? subPackage then "./" + a.subPackage else "./..."}
        )
      '') (filter (ex: sameAs ex == ex) (attrNames examples)));
  };

  results = name: go:
    let
      o = oracle name go;
      built = mode: ex: (if mode == "ifd" then builders.buildWithIFD else builders.buildWithDynDrv) (examples.${ex} // { inherit go; });
    in tc.run {
      name = "dgd-matrix-${name}";
      extraPath = [ tc.cc ];
      script = ''
        v=$(${go}/bin/go env GOVERSION)
        touch $out
      '' + concatStringsSep "" (concatMap (ex: map (mode: ''
        for b in ${built mode ex}/bin/*; do
          r=identical
          cmp -s "$b" ${o}/${sameAs ex}/$(basename "$b") || r=differs
          p=$("$b" 2>&1) || r="$r, exits $?"
          [ "$p" = "Hello, DGD!" ] || r="$r, prints '$p'"
          echo "$v ${ex}/$(basename "$b") ${mode} $r" >> $out
        done
      '') [ "ifd" "dyndrv" ]) (attrNames examples));
    };

  perToolchain = builtins.mapAttrs results toolchains;
in
perToolchain // {
  all = tc.run {
    name = "dgd-matrix";
    script = ''
      cat ${concatStringsSep " " (map (n: "${perToolchain.${n}}") (attrNames perToolchain))} > $out
      cat $out
      if grep -v ' identical$' $out >&2; then echo "dgd matrix: the results above are not identical to go build" >&2; exit 1; fi
    '';
  };
}
