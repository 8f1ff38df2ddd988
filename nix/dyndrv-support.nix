# Whether this Nix can build dynamic derivations: null if it can, else the reason.
{ nixVersion ? builtins.nixVersion, hasOutputOf ? builtins ? outputOf }:
let min = "2.30"; in
if builtins.compareVersions nixVersion min < 0 then
  "dgd.buildWithDynDrv needs Nix >= ${min} (dynamic derivations built in one go); this is Nix ${nixVersion}. Use dgd.buildWithIFD, or run through dgd's scripts/with-nix, which brings Nix 2.34"
else if !hasOutputOf then
  "dgd.buildWithDynDrv needs the experimental features dynamic-derivations, ca-derivations and recursive-nix (builtins.outputOf is missing): add them to experimental-features in nix.conf"
else null
