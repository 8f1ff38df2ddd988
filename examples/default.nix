# The examples, each built with `build` (buildWithIFD or buildWithDynDrv). Each prints
# "Hello, DGD!". vendorHash is the hash of the fixed-output module download.
{ build, busybox }:
{
  hello = build { src = ./hello; };
  hello_nocgo = build { src = ./hello_nocgo; env = { CGO_ENABLED = 0; }; };
  dep = build { src = ./dep; vendorHash = "sha256-sNoOU71w5Ga9tPQ7DmASC1SOMKKt17+7tS885NL9ofM="; };
  # the same module through its dgd.lock: one download per module
  dep_lock = build { src = ./dep; pname = "dep-lock"; };
  cgo = build { src = ./cgo; };
  packages = build { src = ./packages; };
  # src already in the store
  storepath = build { src = builtins.path { path = ./storepath; name = "storepath-src"; }; pname = "storepath"; };
  subpackage = build { src = ./subpackage; subPackage = "cmd/hello"; };
  # vendorHash = null: the modules are in the repository's vendor/ directory
  vendored = build { src = ./vendored; vendorHash = null; };
  # a go.work workspace of two modules; the program is in ./app
  workspace = build { src = ./workspace; subPackage = "app"; vendorHash = "sha256-oDxSi4kUugeiisrvv5EjIterRQITDPiqE+G3P7IestU="; };
  asm = build { src = ./asm; };
  embed = build { src = ./embed; };
}
