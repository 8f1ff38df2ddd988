# buildWithIFD's mode (the contract is in build.nix, where the modes are declared): import from
# derivation. A derivation runs the planner; evaluation reads its plan and makes the
# per-package derivations (packages.nix).
p:
let
  planDrv = p.tc.run {
    name = "${p.name}-plan.json";
    script = p.planScript + "cp $TMPDIR/plan.json $out";
    extraPath = (if p.cgoOff then [ ] else [ p.tc.cc ]) ++ p.tools;
    inherit (p) modulesFile ccInputs;
    passAsFile = [ "modulesFile" ];
  };
  # the plan names buildInputs' store paths (cgo's -I and -L); the steps that use them take
  # them as inputs (ccInputs), so the plan's own references can go
  plan = builtins.fromJSON (builtins.unsafeDiscardStringContext (builtins.readFile planDrv));
  built = import ./packages.nix (p.packagesArgs // { inherit plan; bareLink = true; });
in
{
  inherit (built.bins) outPath;
  drv = built.bins;
  cacheRefs = [ "${planDrv}" ] ++ built.cacheRefs;
  passthru = { inherit planDrv; inherit (built) packages links tests; };
}
