# The examples, each built with `build` (buildWithIFD or buildWithDynDrv). Each prints
# "Hello, DGD!". vendorHash is the hash of the fixed-output module download.
{ build, busybox }:
{
  hello = build { src = ./hello; };
  hello_nocgo = build { src = ./hello_nocgo; env = { CGO_ENABLED = 0; }; };
  dep = build { src = ./dep; vendorHash = "sha256-sNoOU71w5Ga9tPQ7DmASC1SOMKKt17+7tS885NL9ofM="; };
  cgo = build { src = ./cgo; };
  packages = build { src = ./packages; };
  # src already in the store
  storepath = build { src = builtins.path { path = ./storepath; name = "storepath-src"; }; pname = "storepath"; };
  subpackage = build { src = ./subpackage; subPackage = "cmd/hello"; };
  asm = build { src = ./asm; };
  embed = build { src = ./embed; };
}
