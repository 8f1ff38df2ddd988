# The dgd planner, built offline from its vendored dependencies with its own toolchain.
{ tc }:
let
  root = ./..;
  # only what the Go build reads: editing examples, Nix code or docs does not rebuild dgd
  keep = [ "go.mod" "go.sum" "vendor" "cmd" "internal" ];
  src = builtins.path {
    path = root;
    name = "dgd-src";
    filter = p: type:
      let rel = builtins.substring (builtins.stringLength (toString root) + 1) (-1) (toString p);
          top = builtins.head (builtins.split "/" rel);
      in builtins.elem top keep && (type == "directory" || builtins.match ".*_test\\.go" rel == null);
  };
in
tc.run {
  name = "dgd";
  script = ''
    export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOTOOLCHAIN=local \
      GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED=0
    cd ${src}
    ${tc.dgdGo}/bin/go build -trimpath -buildvcs=false -o $out/bin/dgd ./cmd/dgd
  '';
}
