# The examples' arguments (of buildWithIFD and buildWithDynDrv). Each program prints
# "Hello, DGD!". vendorHash is the hash of the fixed-output module download. dontStrip: the
# tests compare the binaries byte for byte with go build's, which are not stripped.
# Not here, because they do not make programs that run here: examples/failing (a failing test:
# e2e/tests_test.go) and the cross builds of e2e/cross_test.go.
{ pkgs }:
builtins.mapAttrs (_: a: { dontStrip = true; } // a) {
  hello = { src = ./hello; };
  hello_nocgo = { src = ./hello_nocgo; env = { CGO_ENABLED = 0; }; };
  dep = { src = ./dep; vendorHash = "sha256-MLjf7xvy7jzzzl/D2HHj84ebjdqKvZZBNerDPdBEgcE="; };
  # the same module through its dgd.lock: one download per module
  dep_lock = { src = ./dep; pname = "dep-lock"; };
  cgo = { src = ./cgo; };
  packages = { src = ./packages; };
  # src already in the store
  storepath = { src = builtins.path { path = ./storepath; name = "storepath-src"; }; pname = "storepath"; };
  subpackage = { src = ./subpackage; subPackage = "cmd/hello"; };
  # vendorHash = null: the modules are in the repository's vendor/ directory
  vendored = { src = ./vendored; vendorHash = null; };
  # a go.work workspace of two modules; the program is in ./app
  workspace = { src = ./workspace; subPackage = "app"; vendorHash = "sha256-yvM8qQ762gCEzFVivPAnya44gbY2MAR8rDY4dANd/Uo="; };
  # -X stamping and a build tag
  stamped = { src = ./stamped; ldflags = [ "-X" "main.name=DGD" ]; tags = [ "excited" ]; };
  asm = { src = ./asm; };
  # every main package of ./... (cmd/one, cmd/two) but tools/
  multi = { src = ./multi; excludedPackages = [ "tools" ]; };
  # cgo with a C library from buildInputs, found with pkg-config (nativeBuildInputs)
  clib = { src = ./clib; buildInputs = [ (import ./clib/libgreet { inherit pkgs; }) ]; nativeBuildInputs = [ pkgs.pkg-config ]; };
  # tests (doCheck is on by default): internal and external tests, testdata/, HOME, loopback
  tested = { src = ./tested; checkFlags = [ "-short" "-v" ]; };
  embed = { src = ./embed; };
  # a module path with a major version (example.com/majorv2/v2) and tests in its root package;
  # checkFlags with a | (nixpkgs' idiom for skipping several tests); a test that reads a file
  # elsewhere in the module (go test runs in the whole source tree)
  majorv2 = { src = ./majorv2; checkFlags = [ "-skip=^TestSkippedA$|^TestSkippedB$" ]; };
  # a profile for profile-guided optimisation (default.pgo, go build's -pgo=auto)
  pgo = { src = ./pgo; };
}
