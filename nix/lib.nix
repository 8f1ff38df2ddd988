# Small helpers the Nix files share.
{
  # a store name from an import path (a test variant's "PATH [TESTED.test]" too) or a
  # module's path@version
  storeName = s: builtins.replaceStrings [ "/" "~" "@" "!" " [" "]" ] [ "-" "-" "_" "-" "+" "" ] s;

  # s quoted for the shell
  shellQuote = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  # what module downloads (fixed-output derivations) take from the caller's environment
  proxyEnvVars = [ "GOPROXY" "GOPRIVATE" "GONOPROXY" "GONOSUMDB" "GONOSUMCHECK" "GOSUMDB" "GOINSECURE"
    "DGD_NETRC" "SSL_CERT_FILE" "http_proxy" "https_proxy" "HTTP_PROXY" "HTTPS_PROXY" "no_proxy" "NO_PROXY" ];

  # the shell lines a module download starts with, after HOME is set
  downloadPrelude = ''
    export GOSUMDB=''${GOSUMDB:-off}
    # private modules: the content of a netrc file in DGD_NETRC (the sandbox sees no host files)
    if [ -n "''${DGD_NETRC:-}" ]; then printf '%s\n' "$DGD_NETRC" > $HOME/.netrc; fi
  '';

  # The environment that gives cgo the packages of buildInputs, as stdenv's setup hooks give
  # them to the C compiler: their include/ (CGO_CFLAGS), lib/ (CGO_LDFLAGS) and pkg-config
  # files (PKG_CONFIG_PATH). env's own CGO_CFLAGS/CGO_LDFLAGS come first. A list of NAME=value.
  cgoInputEnv = env: inputs:
    let
      outOf = o: p: if builtins.isAttrs p && p ? ${o} then p.${o} else p;
      flags = var: flag: dirs: "${var}=${toString (env.${var} or "-O2 -g")}"
        + builtins.concatStringsSep "" (map (d: " ${flag}${d}") dirs);
    in if inputs == [ ] then [ ] else [
      (flags "CGO_CFLAGS" "-I" (map (p: "${outOf "dev" p}/include") inputs))
      (flags "CGO_LDFLAGS" "-L" (map (p: "${outOf "lib" p}/lib") inputs))
      ("PKG_CONFIG_PATH=" + builtins.concatStringsSep ":" (builtins.concatLists
        (map (p: [ "${outOf "dev" p}/lib/pkgconfig" "${outOf "dev" p}/share/pkgconfig" ]) inputs)))
    ];
}
