{
  description = "my-program built with dgd, one Nix derivation per Go package";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.dgd.url = "github:dgd-build/dgd";
  inputs.dgd.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, dgd }:
    let
      systems = { x86_64-linux = 0; aarch64-linux = 0; x86_64-darwin = 0; aarch64-darwin = 0; };
    in
    {
      # nix build: one derivation per Go package. dgd.lib.forPkgs pkgs: the builders for a
      # package set; dgd.buildWithDynDrv takes the same arguments and
      # uses dynamic derivations instead of import-from-derivation.
      packages = builtins.mapAttrs (system: pkgs: {
        default = (dgd.lib.forPkgs pkgs).buildWithIFD (finalAttrs: {
          pname = "my-program";
          version = "0.1.0"; # your release's version
          src = ./.;
          # third-party modules: a dgd.lock (`nix run github:dgd-build/dgd -- lock` writes it), or vendorHash = ""; to learn a vendorHash
          # subPackages = [ "cmd/my-program" ]; # default: every main package of ./...
          # ldflags = [ "-s" "-w" "-X main.version=${finalAttrs.version}" ]; # as go build -ldflags
          # tags = [ ]; env.CGO_ENABLED = 0; doCheck = false; # and buildGoModule's other arguments (dgd's README)
        });
      }) (builtins.intersectAttrs systems nixpkgs.legacyPackages);
    };
}
