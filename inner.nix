let bb = builtins.storePath "/nix/store/q989fn7svkm7y5sl58sppvipa3b1xw8b-busybox";
  one = i: derivation { name = "mt-${toString i}"; system = builtins.currentSystem; nonce = "1796603492813804568";
    builder = "${bb}/bin/sh"; args = [ "-c" "mkdir $out" ];
    __contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256"; };
in map (d: d.drvPath) (builtins.genList one 200)
