# The examples, each built with `build` (buildWithIFD or buildWithDynDrv).
{ build, pkgs }: builtins.mapAttrs (_: build) (import ./args.nix { inherit pkgs; })
