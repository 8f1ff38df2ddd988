# The examples, each built with `build` (buildWithIFD or buildWithDynDrv).
{ build }: builtins.mapAttrs (_: build) (import ./args.nix)
