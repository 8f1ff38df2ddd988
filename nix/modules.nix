# Third-party modules: one fixed-output download of every module the main module requires
# (`go mod download`, through the Go module proxy), hash = vendorHash. dgd's own Go downloads
# them, whatever the `go` argument, so that vendorHash does not change with it. The result is a
# GOMODCACHE; each module is then taken into its own store path (builtins.path of its
# directory), so a package's derivation depends on its module's content only.
{ tc, src, vendorHash, name }:
let
  lib = import ./lib.nix;
  # only go.mod, go.sum and go.work decide what is downloaded
  modSrc = builtins.path {
    path = src;
    name = "${name}-gomod";
    filter = p: type: type == "directory" || builtins.elem (baseNameOf p) [ "go.mod" "go.sum" "go.work" "go.work.sum" ];
  };
in
tc.run {
  name = "${name}-go-modules";
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputHash = vendorHash;
  impureEnvVars = lib.proxyEnvVars ++ [ "GOFLAGS" ];
  script = ''
    export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOMODCACHE=$out GOTOOLCHAIN=local
    ${lib.downloadPrelude}cd ${modSrc}
    echo "dgd: downloading the modules of ${name}; the hash of the result is vendorHash: if Nix reports a mismatch, set vendorHash to the hash it got (go.mod or go.sum changed)" >&2
    # go downloads GOMAXPROCS modules at a time, and a download waits for the proxy more than
    # it computes (golangci-lint's: 38.6 s with 2, 17.1 s with 32, on 2 cores here)
    if ! GOMAXPROCS=32 ${tc.dgdGo}/bin/go mod download 2> $TMPDIR/err; then
      cat $TMPDIR/err >&2
      # go does not always name the module (a damaged zip): its -json output does
      ${tc.dgdGo}/bin/go mod download -json 2> /dev/null | awk -F'"' '
        /^\t"Path": / { p = $4 } /^\t"Version": / { v = $4 } /^\t"Error": / { print "dgd: module " p "@" v ": " $4 }' >&2
      # (a password in GOPROXY's URLs is not printed)
      echo "dgd: downloading the modules of ${name} failed (GOPROXY=$(echo "''${GOPROXY:-unset}" | sed 's|://[^/@]*@|://...@|g')); the errors above name the module" >&2
      exit 1
    fi
    chmod -R u+w $out
    rm -rf $out/cache/download/sumdb $out/cache/vcs
    find $out/cache/download \( -name '*.zip' -o -name '*.lock' -o -name '*.partial' \) -exec rm -f {} +
    # a proxy's .info carries what go does not verify and a proxy can add or change later (an
    # "Origin": VCS, URL, commit; fastwalk v1.0.12's gained one; the "Time"): each .info is
    # written as dgd lock's downloads write it, the version alone, which is all a build reads
    find $out/cache/download -name '*.info' | while read -r f; do
      printf '{"Version":"%s"}\n' "$(basename "$f" .info)" > "$f"
    done
  '';
}
