{
  description = "dgd: Go builds as one Nix derivation per Go package (stdlib, third-party, your own)";

  # nixpkgs, through the flake registry: a package set with go, nix, busybox and stdenv.cc.
  # Override it with `inputs.dgd.inputs.nixpkgs.follows = "nixpkgs";` in your flake, or
  # --override-input nixpkgs ...; scripts/with-nix's Nix maps it to the host toolchain set.
  inputs.nixpkgs.url = "nixpkgs";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      # the systems nixpkgs has a package set for
      forSystems = f: builtins.mapAttrs (_: f)
        (builtins.intersectAttrs (builtins.listToAttrs (map (s: { name = s; value = null; }) systems))
          nixpkgs.legacyPackages);
      dgdFor = pkgs: import ./. { inherit pkgs; };
    in
    {
      # dgd.lib.forPkgs pkgs: the builders for any package set; dgd.lib.<system>: for
      # nixpkgs' package set of that system. Both have buildWithIFD and buildWithDynDrv.
      lib = {
        forPkgs = pkgs: { inherit (dgdFor pkgs) buildWithIFD buildWithDynDrv; };
      } // forSystems (pkgs: self.lib.forPkgs pkgs);

      # pkgs.dgd (the CLI) and pkgs.dgdLib.buildWithIFD / buildWithDynDrv
      overlays.default = final: prev: {
        dgd = (dgdFor final).dgd;
        dgdLib = self.lib.forPkgs final;
      };

      packages = forSystems (pkgs: rec {
        dgd = (dgdFor pkgs).dgd;
        default = dgd;
      });

      apps = forSystems (pkgs: rec {
        dgd = {
          type = "app";
          program = "${self.packages.${pkgs.system}.dgd}/bin/dgd";
          meta.description = "dgd plan / dgd lock: plan a Go module's per-package build, write its dgd.lock";
        };
        default = dgd;
      });

      # nix flake init -t github:dgd-build/dgd: a flake.nix for a Go module (dgd init writes
      # one fitted to the module: its main packages, its dgd.lock)
      templates.default = {
        path = ./templates/default;
        description = "a Go module built with dgd, one Nix derivation per Go package";
        welcomeText = ''
          flake.nix builds every main package of ./... with dgd. Set pname; for third-party
          modules write a dgd.lock (nix run github:dgd-build/dgd -- lock), then
          git add flake.nix dgd.lock and nix build. `dgd init` writes such a flake fitted
          to the module instead.
        '';
      };

      # every example built both ways, run, and checked to print "Hello, DGD!"
      checks = forSystems (pkgs: {
        examples-ifd = (import ./. { inherit pkgs; useDynDrv = false; }).testExamples;
        examples-dyndrv = (import ./. { inherit pkgs; useDynDrv = true; }).testExamples;
      });
    };
}
