# buildWithIFD and buildWithDynDrv: the same arguments, the same result (a derivation whose
# output holds bin/<name>), two ways of getting the per-package derivations into Nix.
{ pkgs }:
let
  inherit (builtins) isAttrs isString isPath isBool typeOf concatStringsSep attrNames mapAttrs
    hasAttr throw toJSON;

  check = fn: arg: ok: what: v:
    if ok v then v else throw "dgd.${fn}: argument `${arg}` must be ${what}, got ${typeOf v}";

  stripHash = s: let m = builtins.match "[a-z0-9]{32}-(.*)" s; in if m == null then s else builtins.head m;

  # Everything both modes share: argument checks, the toolchain, the modules, the planner run.
  prepare = fn: args@{ src
    , vendorHash ? null   # hash of the third-party modules (fixed-output download); "" to learn it
    , subPackage ? null   # the package to build, relative to the module root ("cmd/hello")
    , env ? { }           # extra environment for go: CGO_ENABLED, GOEXPERIMENT, ...
    , go ? null           # the Go toolchain (default: pkgs.go)
    , innerNix ? null     # the nix used inside the dynamic-derivation producer (default: pkgs.nix)
    , pname ? null        # name of the result (default: the last element of subPackage or src)
    , lockFile ? null     # a dgd.lock (default: src/dgd.lock when there is no vendorHash)
    , ...
    }:
    let
      known = [ "src" "vendorHash" "subPackage" "env" "go" "innerNix" "pname" "lockFile" ];
      unknown = builtins.filter (a: !builtins.elem a known) (attrNames args);
      tc = import ./toolchain.nix ({ inherit pkgs; }
        // (if go != null then { inherit go; } else { })
        // (if innerNix != null then { inherit innerNix; } else { }));
      src' = check fn "src" (v: isPath v || isString v || isAttrs v) "a path or a store path" src;
      srcPath = if isAttrs src' then "${src'}" else src';
      name = if pname != null then pname
        else if subPackage != null then baseNameOf subPackage
        else stripHash (baseNameOf (toString srcPath));
      hasVendorHash = args ? vendorHash && vendorHash != null;
      modcache = if hasVendorHash
        then import ./modules.nix { inherit tc name; src = srcPath; vendorHash = check fn "vendorHash" isString "a string (\"sha256-...\")" vendorHash; }
        else null;
      # without vendorHash, a dgd.lock (lockFile, or the one in src) downloads module by module
      lockPath = if lockFile != null then lockFile
        else if !(args ? vendorHash) && builtins.pathExists "${srcPath}/dgd.lock" then "${srcPath}/dgd.lock" else null;
      lock = if lockPath == null then null
        else import ./lock.nix { inherit tc name; src = srcPath; lockFile = lockPath; };
      moduleSource = import ./module-source.nix { inherit modcache; lockModules = if lock == null then null else lock.modules; };
      modulesFile = if lock == null then "" else lock.modulesFile;
      envList = map (k: "${k}=${toString env.${k}}") (attrNames (check fn "env" isAttrs "an attribute set" env));
      cgoOff = (env.CGO_ENABLED or null) != null && toString env.CGO_ENABLED == "0";
      pkgArg = if subPackage == null then "." else "./" + check fn "subPackage" isString "a string" subPackage;
      dgd = import ./dgd.nix { inherit tc; };
      # the shell lines that run `dgd plan` into $TMPDIR/plan.json
      planScript = ''
        export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off
        export GOMODCACHE=${if modcache == null then "$TMPDIR/no-modules" else modcache}
        ${concatStringsSep "\n" (map (e: "export ${e}") envList)}
        if ! ${dgd}/bin/dgd plan -C ${srcPath} -gopkg ${tc.go} -go ${tc.go}/bin/go -o $TMPDIR/plan.json \
            ${if lock == null then "" else "-modules $modulesFilePath"} ${pkgArg}; then
          ${if hasVendorHash || lock != null then "" else ''
            if grep -q '^require' ${srcPath}/go.mod 2>/dev/null; then
              echo "dgd: ${name} requires third-party modules: set vendorHash (use vendorHash = \"\"; the error then prints the right hash), or write a dgd.lock with \`dgd lock\`" >&2
            fi''}
          exit 1
        fi
      '';
    in
      if unknown != [ ] then throw "dgd.${fn}: unknown argument(s) ${concatStringsSep ", " unknown} (known: ${concatStringsSep ", " known})"
      else { inherit tc name modcache lock moduleSource modulesFile planScript srcPath cgoOff; };

  fromPlan = p: plan: import ./packages.nix {
    inherit (p) tc name moduleSource;
    inherit plan;
    src = p.srcPath;
  };
in
{
  # Import from derivation: a derivation runs the planner; evaluation reads its plan and makes
  # the per-package derivations.
  buildWithIFD = args:
    let
      p = prepare "buildWithIFD" args;
      planDrv = p.tc.run {
        name = "${p.name}-plan.json";
        script = p.planScript + "cp $TMPDIR/plan.json $out";
        extraPath = if p.cgoOff then [ ] else [ p.tc.cc ];
        inherit (p) modulesFile;
        passAsFile = [ "modulesFile" ];
      };
      built = fromPlan p (builtins.fromJSON (builtins.readFile planDrv));
    in built.link // { passthru = { inherit planDrv; inherit (built) packages binary; }; };

  # Dynamic derivations: a text-hashed, content-addressed producer runs the planner and, with
  # recursive-nix, one nix-instantiate that registers every per-package .drv at once; its output
  # is the link's .drv, built through builtins.outputOf.
  buildWithDynDrv = args:
    let
      p = prepare "buildWithDynDrv" args;
      tc = p.tc;
      nixDir = builtins.path { path = ./.; name = "dgd-nix"; };
      # store paths the inner evaluation gets back with their context (builtins.storePath)
      sp = v: if isString v && builtins.substring 0 11 v == "/nix/store/" then "builtins.storePath \"${v}\"" else toJSON "${v}";
      innerExpr = ''
        let
          tcArgs = {
            pkgs = { go = ${sp "${tc.go}"}; nix = ${sp "${tc.innerNix}"}; busybox = ${sp "${tc.busybox}"};
                     stdenv.cc = ${sp "${tc.cc}"}; system = "${tc.system}"; };
          };
          tc = import ${nixDir}/toolchain.nix tcArgs;
          plan = builtins.fromJSON (builtins.readFile (builtins.getEnv "PLAN"));
          built = import ${nixDir}/packages.nix {
            inherit tc plan;
            name = "${p.name}";
            src = ${sp p.srcPath};
            moduleSource = import ${nixDir}/module-source.nix {
              modcache = ${if p.modcache == null then "null" else sp "${p.modcache}"};
              lockModules = ${if p.lock == null then "null" else "{ " + concatStringsSep " " (map (mv: "${toJSON mv} = ${sp "${p.lock.modules.${mv}}"};") (attrNames p.lock.modules)) + " }"};
            };
          };
        in built.link
      '';
      producer = derivation {
        name = "${p.name}.drv";
        system = tc.system;
        builder = "${tc.busybox}/bin/sh";
        args = [ "-e" "-c" ". \"$scriptPath\"" ];
        PATH = concatStringsSep ":" ([ "${tc.busybox}/bin" "${tc.innerNix}/bin" ] ++ (if p.cgoOff then [ ] else [ "${tc.cc}/bin" ]));
        requiredSystemFeatures = [ "recursive-nix" ];
        __contentAddressed = true;
        outputHashMode = "text";
        outputHashAlgo = "sha256";
        NIX_CONFIG = "extra-experimental-features = nix-command ca-derivations dynamic-derivations";
        inherit innerExpr;
        inherit (p) modulesFile;
        script = ''
          t0=$(cut -d' ' -f1 /proc/uptime)
        '' + p.planScript + ''
          t1=$(cut -d' ' -f1 /proc/uptime)
          export PLAN=$TMPDIR/plan.json
          drv=$(nix-instantiate "$innerExprPath" 2>$TMPDIR/inst.log) || { cat $TMPDIR/inst.log >&2; exit 1; }
          t2=$(cut -d' ' -f1 /proc/uptime)
          n=$(nix-store -qR "$drv" | grep -c -- '-gopkg-.*\.drv$' || true)
          awk -v a=$t0 -v b=$t1 -v c=$t2 -v n=$n 'BEGIN { printf "dgd: planned in %.2f s, registered %d package derivations (+ link) in %.2f s\n", b-a, n, c-b }' >&2
          cp $drv $out
        '';
        passAsFile = [ "script" "innerExpr" "modulesFile" ];
      };
      unsupported = import ./dyndrv-support.nix { };
      result = tc.run {
        name = p.name;
        script = ''
          mkdir -p $out/bin
          cp -R ${builtins.outputOf producer.outPath "out"}/bin/. $out/bin/
        '';
      };
    in
      if unsupported != null then throw unsupported else result // { passthru = { inherit producer; }; };
}
