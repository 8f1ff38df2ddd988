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
}
