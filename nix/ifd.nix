# buildWithIFD's mode (the contract is in build.nix, where the modes are declared): import from
# derivation. Evaluation reads the plan (p.planDrv's output) and makes the per-package
# derivations (packages.nix).
p:
let
  # the plan names buildInputs' store paths (cgo's -I and -L); the steps that use them take
  # them as inputs (ccInputs), so the plan's own references can go
  readPlan = f: builtins.fromJSON (builtins.unsafeDiscardStringContext (builtins.readFile f));
  # the standard library's runtime layer from its own plan (build.nix's stdPlanDrv), or null
  early = if p.stdPlanDrv == null then null
    else (import ./packages.nix (p.stdArgs // { plan = readPlan p.stdPlanDrv; })).shared.layers.runtime;
  # The plan, read once Nix has built it and the early layer: the empty string with the layer's
  # context makes evaluation realise both in one go, so the layer builds while the modules
  # download and the program is planned. It is the plan's own runtime layer, built already.
  plan = readPlan ("${p.planDrv}" + (if early == null then "" else builtins.substring 0 0 "${early.out}"));
  built = import ./packages.nix (p.packagesArgs // { inherit plan; inherit (p) install; });
in
{
  inherit (built.bins) outPath;
  drv = built.bins;
  early = null;
  inherit (built) result;
  cacheRefs = [ "${built.cache}" ];
  passthru = { inherit (p) planDrv; inherit (built) packages links tests; earlyLayer = early; };
}
