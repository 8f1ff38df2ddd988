# Every argument of buildWithIFD and buildWithDynDrv, declared once, with buildGoModule's
# meaning where it has one: doc (what it is), default (absent: the argument is required) and
# type (ok, a predicate, and what, its description for the error). build.nix takes the
# defaults and the checks from here; e2e's TestArgumentsTable keeps the README's argument
# table in step with it.
let
  inherit (builtins) isAttrs isString isPath isBool isList all;
  type = ok: what: { inherit ok what; };
  listOf = p: v: isList v && all p v;
  nullOr = t: type (v: v == null || t.ok v) "${t.what} or null";
  string = type isString "a string";
  bool = type isBool "true or false";
  strings = type (listOf isString) "a list of strings";
  attrs = type isAttrs "an attribute set";
  package = type (x: isAttrs x || isString x || isPath x) "a package";
  packages = type (listOf package.ok) "a list of packages";
in
{
  src = { type = type (v: isPath v || isString v || isAttrs v) "a path or a store path";
    doc = "a Go module (a path, or a store path)"; };
  modRoot = { default = "."; type = string;
    doc = "the module's directory inside src"; };
  vendorHash = { default = null; type = nullOr (type isString "a string (\"sha256-...\")");
    doc = "hash of the fixed-output download of the modules; \"\" to learn it; null: src has vendor/ (absent: a dgd.lock)"; };
  lockFile = { default = null; type = nullOr (type (v: isPath v || isString v) "a path");
    doc = "a dgd.lock (default: src/dgd.lock when vendorHash is not given)"; };
  subPackage = { default = null; type = nullOr string;
    doc = "the main package, relative to the module root"; };
  subPackages = { default = null; type = nullOr (type (v: listOf isString v && v != [ ]) "a non-empty list of strings");
    doc = "the packages to build and test (a list, relative to the module root; default: every package, ./...): one output, bin/<name> each"; };
  excludedPackages = { default = [ ]; type = type (listOf isString) "a list of strings (regular expressions)";
    doc = "regular expressions: packages ./DIR of ./... that match one are neither built nor tested (default also: examples, Godeps)"; };
  doCheck = { default = true; type = bool;
    doc = "run the tests of the packages, as buildGoModule: one derivation per test binary and one per run"; };
  checkFlags = { default = [ ]; type = strings;
    doc = "go test flags for the test runs (a list): -run=..., -short, -v"; };
  GOOS = { default = null; type = nullOr (type isString "a string (linux, darwin, windows, ...)");
    doc = "the target operating system (cross build; default env.GOOS, else the build machine's); tests run only for the build machine"; };
  GOARCH = { default = null; type = nullOr (type isString "a string (amd64, arm64, ...)");
    doc = "the target architecture (cross build; default env.GOARCH, else the build machine's)"; };
  allowGoReference = { default = false; type = bool;
    doc = "true: build without -trimpath, so the result may refer to the Go toolchain and the sources"; };
  buildInputs = { default = [ ]; type = packages;
    doc = "packages cgo compiles and links against: their include/ and lib/ (and pkg-config files)"; };
  nativeBuildInputs = { default = [ ]; type = packages;
    doc = "tools the planner and cgo run (their bin/ on PATH), e.g. pkg-config"; };
  earlyCutoff = { default = true; type = bool;
    doc = "package derivations and the planner's input (the skeleton of src) are content-addressed (Nix's ca-derivations feature), so an edit that keeps a package's export data rebuilds none of its importers, and one that keeps the skeleton (a change inside a function) plans nothing"; };
  stdLayers = { default = true; type = bool;
    doc = "the standard library in a few derivations (the packages under runtime, os, fmt, net, crypto/tls, net/http, each minus the earlier ones), which Nix builds much faster than one per package; false: one per package"; };
  env = { default = { }; type = attrs;
    doc = "extra environment for go: CGO_ENABLED, GOEXPERIMENT, ..."; };
  ldflags = { default = [ ]; type = strings;
    doc = "linker flags (a list, joined by spaces): -X stamping, -s -w; they change only the links, and a new plain -X value (a version stamp) re-plans nothing"; };
  tags = { default = [ ]; type = strings;
    doc = "build tags (a list)"; };
  GOFLAGS = { default = [ ]; type = type (v: isString v || strings.ok v) "a list of strings (or one string)";
    doc = "more go build flags: -gcflags=..., -asmflags=..., -buildmode=..., -pgo=...; ldflags, tags and allowGoReference win over the same flags here"; };
  go = { default = null; type = nullOr package;
    doc = "the Go toolchain (default pkgs.go)"; };
  innerNix = { default = null; type = nullOr package;
    doc = "the nix run inside the dynamic-derivation producer (default pkgs.nix)"; };
  pname = { default = null; type = nullOr string;
    doc = "name of the result (default: the last element of the first subPackage, else of src)"; };
  version = { default = null; type = nullOr string;
    doc = "appended to pname in the result's name"; };
  dontStrip = { default = false; type = bool;
    doc = "true: keep the binaries as go links them (default: strip -S, as Nix does)"; };
  postInstall = { default = ""; type = string;
    doc = "shell run in the result after bin/ is filled"; };
  meta = { default = { }; type = attrs;
    doc = "the result's meta"; };
  passthru = { default = { }; type = attrs;
    doc = "attributes added to the result"; };
}
