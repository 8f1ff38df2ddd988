# buildWithIFD's mode (the contract is in build.nix, where the modes are declared): import from
# derivation. Evaluation reads the plan (p.planDrv's output) and makes the per-package
# derivations (packages.nix).
p:
let
  # the plan names buildInputs' store paths (cgo's -I and -L); the steps that use them take
  # them as inputs (ccInputs), so the plan's own references can go
  plan = builtins.fromJSON (builtins.unsafeDiscardStringContext (builtins.readFile p.planDrv));
  built = import ./packages.nix (p.packagesArgs // { inherit plan; inherit (p) install; });
in
{
  inherit (built.bins) outPath;
  drv = built.bins;
  inherit (built) result;
  cacheRefs = [ "${built.cache}" ];
  passthru = { inherit (p) planDrv; inherit (built) packages links tests; };
}
