# buildWithDynDrv's mode (the contract is in build.nix, where the modes are declared): dynamic
# derivations. A text-hashed, content-addressed producer reads the plan (p.planDrv's output)
# and, with recursive-nix, runs one nix-instantiate that registers every per-package .drv at
# once (packages.nix, called with the same arguments as buildWithIFD's, written as Nix source
# by lib.toNix); its output is the .drv of the programs, built through builtins.outputOf.
p:
let
  inherit (builtins) concatStringsSep;
  inherit (import ./lib.nix) toNix;
  tc = p.tc;
  nixDir = builtins.path { path = ./.; name = "dgd-nix"; };
  innerExpr = ''
    (import ${nixDir}/packages.nix (${toNix p.packagesArgs} // {
      plan = builtins.fromJSON (builtins.readFile (builtins.getEnv "PLAN"));
    })).bins
  '';
  producer = derivation {
    name = "${p.name}.drv";
    system = tc.system;
    builder = "${tc.busybox}/bin/sh";
    args = [ "-e" "-c" ". \"$scriptPath\"" ];
    PATH = "${tc.busybox}/bin:${tc.innerNix}/bin";
    requiredSystemFeatures = [ "recursive-nix" ];
    # local, where Nix has a build slot (max-jobs > 0): it is cheap, and Nix 2.34's remote
    # builds copy back only a derivation's outputs, not the .drv files this one's refers to
    preferLocalBuild = true;
    __contentAddressed = true;
    outputHashMode = "text";
    outputHashAlgo = "sha256";
    NIX_CONFIG = "extra-experimental-features = nix-command ca-derivations dynamic-derivations";
    inherit innerExpr;
    PLAN = p.planDrv;
    script = ''
      t0=$(cut -d' ' -f1 /proc/uptime)
      drv=$(nix-instantiate "$innerExprPath" 2>$TMPDIR/inst.log) || { cat $TMPDIR/inst.log >&2; exit 1; }
      t1=$(cut -d' ' -f1 /proc/uptime)
      n=$(nix-store -qR "$drv" | grep -c -- '-gopkg-.*\.drv$\|-go-std-.*\.drv$' || true)
      awk -v a=$t0 -v b=$t1 -v n=$n 'BEGIN { printf "dgd: registered %d package and standard-library layer derivations (+ links, tests) in %.2f s\n", n, b-a }' >&2
      cp $drv $out
    '';
    passAsFile = [ "script" "innerExpr" ];
  };
in
{
  outPath = builtins.outputOf producer.outPath "out";
  drv = null;
  # the producer's output (the .drv files) and bins' list of every package output
  cacheRefs = [ "${producer}" (builtins.outputOf producer.outPath "cache") "${tc.innerNix}" ];
  # the per-package derivations exist only inside the producer
  passthru = { packages = { }; links = [ ]; tests = { }; planDrv = null; };
}
