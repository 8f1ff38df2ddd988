# pack and buildid for a Go toolchain. Go <= 1.24 ships them in pkg/tool; from 1.25 `go tool`
# builds them on demand into GOCACHE, which a derivation cannot share, so build them once here.
{ tc }:
tc.run {
  name = "go-tools-pack-buildid";
  script = ''
    export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOTOOLCHAIN=local CGO_ENABLED=0
    mkdir -p $out
    tooldir=$(${tc.go}/bin/go env GOTOOLDIR)
    for t in pack buildid; do
      if [ -x "$tooldir/$t" ]; then ln -s "$tooldir/$t" $out/$t
      else ${tc.go}/bin/go build -trimpath -o $out/$t cmd/$t; fi
    done
  '';
}
