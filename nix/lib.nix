# Small helpers the Nix files share.
{
  # a store name from an import path (a test variant's "PATH [TESTED.test]" too) or a
  # module's path@version
  storeName = s: builtins.replaceStrings [ "/" "~" "@" "!" " [" "]" ] [ "-" "-" "_" "-" "+" "" ] s;

  # Nix source that evaluates to the data v (attribute sets, lists, strings, paths, numbers,
  # booleans, null; a derivation stands for its store path), with the store paths it names
  # brought back as such (builtins.storePath) and kept in the text's context, so that a
  # derivation whose attribute the text is has them as inputs and the evaluation that reads it
  # depends on them as the caller's did. Anything else (a function; a string with a store path's context that
  # does not begin with one) is an error naming where in v it is.
  toNix = let
    go = at: v:
      let t = builtins.typeOf v; in
      if t == "set" then
        (if v ? outPath then go at v.outPath
         else "{ " + builtins.concatStringsSep "" (map (k: "${builtins.toJSON k} = ${go "${at}.${k}" v.${k}}; ") (builtins.attrNames v)) + "}")
      else if t == "list" then "[ " + builtins.concatStringsSep " " (builtins.genList (i: "(${go "${at}[${toString i}]" (builtins.elemAt v i)})") (builtins.length v)) + " ]"
      else if t == "path" then go at "${v}"
      else if t == "string" then
        (if builtins.substring 0 (builtins.stringLength builtins.storeDir + 1) v == builtins.storeDir + "/"
         then "builtins.storePath ${builtins.toJSON v}"
         else if !builtins.hasContext v then builtins.toJSON v
         else throw "dgd: ${at}: ${builtins.toJSON v} names store paths but is not one: it cannot be passed to the dynamic-derivation producer")
      else if t == "bool" then (if v then "true" else "false")
      else if t == "null" then "null"
      else if t == "int" || t == "float" then toString v
      else throw "dgd: ${at}: a ${t} is not data: it cannot be passed to the dynamic-derivation producer";
  in go "the argument";

  # a floating content-addressed derivation's attributes (ca-derivations: early cutoff)
  floatingCA = { __contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256"; };

  # a derivation (made by run: tools.nix's) named name whose output lists the store paths
  # refs, so that its closure holds them: a gc root for what a rebuild reuses
  refsFile = run: name: refs: run {
    inherit name;
    cacheRefs = refs;
    passAsFile = [ "cacheRefs" ];
    script = "tr ' ' '\\n' < $cacheRefsPath | sort -u > $out\n";
  };

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
