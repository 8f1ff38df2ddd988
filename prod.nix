let pkgs = import (builtins.getEnv "DGD_HOST_PKGS");
  inputs = builtins.genList (i: builtins.toFile "mt-input-${toString i}" (toString i)) 0; in
derivation {
  name = "mt-producer.json"; system = pkgs.system; nonce = "1796603492826118327";
  builder = "${pkgs.busybox}/bin/sh"; args = [ "-e" "-c" ". \"$scriptPath\"" ];
  PATH = "${pkgs.busybox}/bin:${pkgs.nix}/bin";
  requiredSystemFeatures = [ "recursive-nix" ];
  __contentAddressed = true; outputHashMode = "text"; outputHashAlgo = "sha256";
  NIX_CONFIG = "extra-experimental-features = nix-command ca-derivations dynamic-derivations";
  expr = builtins.readFile ./inner.nix; inherit inputs; passAsFile = [ "script" "expr" "inputs" ];
  script = ''
    t0=$(cut -d' ' -f1 /proc/uptime)
    nix-instantiate --eval --strict --json --read-write-mode "$exprPath" > $out 2> $TMPDIR/log || { cat $TMPDIR/log >&2; exit 1; }
    t1=$(cut -d' ' -f1 /proc/uptime)
    awk -v a=$t0 -v b=$t1 'BEGIN { printf "mt: nix-instantiate %.3f s\n", b - a }' >&2
  '';
}
