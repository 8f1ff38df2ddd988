# buildWithIFD and buildWithDynDrv: the same arguments, the same result (a derivation whose
# output holds bin/<name>), two ways of getting the per-package derivations into Nix.
{ pkgs }:
let
  inherit (builtins) isAttrs isString isPath isBool typeOf concatStringsSep attrNames throw;

  check = fn: arg: ok: what: v:
    if ok v then v else throw "dgd.${fn}: argument `${arg}` must be ${what}, got ${typeOf v}";

  stripHash = s: let m = builtins.match "[a-z0-9]{32}-(.*)" s; in if m == null then s else builtins.head m;
  inherit (import ./lib.nix) shellQuote cgoInputEnv;
  isListOf = pred: v: builtins.isList v && builtins.all pred v;

  # The arguments, with buildGoModule's meaning where it has them. One plan covers every
  # package built and tested; they share their package derivations.
  arguments = {
    src = "a Go module (a path, or a store path)";
    modRoot = "the module's directory inside src (default \".\")";
    vendorHash = "hash of the fixed-output download of the modules; \"\" to learn it; null: src has vendor/";
    lockFile = "a dgd.lock (default: src/dgd.lock when vendorHash is not given)";
    subPackage = "the main package, relative to the module root";
    subPackages = "the packages to build and test (a list, relative to the module root; default: every package, ./...): one output, bin/<name> each";
    excludedPackages = "regular expressions: packages ./DIR of ./... that match one are neither built nor tested (default also: examples, Godeps)";
    doCheck = "run the tests of the packages (default true, as buildGoModule): one derivation per test binary and one per run";
    checkFlags = "go test flags for the test runs (a list): -run=..., -short, -v";
    GOOS = "the target operating system (cross build; default the build machine's); tests run only for the build machine";
    GOARCH = "the target architecture (cross build; default the build machine's)";
    allowGoReference = "true: build without -trimpath, so the result may refer to the Go toolchain and the sources";
    buildInputs = "packages cgo compiles and links against: their include/ and lib/ (and pkg-config files)";
    nativeBuildInputs = "tools the planner and cgo run (their bin/ on PATH), e.g. pkg-config";
    earlyCutoff = "true (default): package derivations are content-addressed (Nix's ca-derivations feature), so an edit that keeps a package's export data rebuilds none of its importers";
    stdLayers = "true (default): the standard library in a few derivations (the packages under runtime, os, fmt, net, crypto/tls, net/http, each minus the earlier ones), which Nix builds much faster than one per package; false: one per package";
    env = "extra environment for go: CGO_ENABLED, GOEXPERIMENT, ...";
    ldflags = "linker flags (a list): -X stamping, -s -w; they change only the link";
    tags = "build tags (a list)";
    GOFLAGS = "more go build flags (a list): -gcflags=..., -asmflags=..., -buildmode=...";
    go = "the Go toolchain (default pkgs.go)";
    innerNix = "the nix run inside the dynamic-derivation producer (default pkgs.nix)";
    pname = "name of the result (default: the last element of the (first) subPackage or src)";
    version = "appended to pname in the result's name";
    dontStrip = "true: keep the binaries as go links them (default: strip -S, as Nix does)";
    postInstall = "shell run in the result after bin/ is filled";
    meta = "the result's meta";
    passthru = "attributes added to the result";
  };

  # Everything both modes share for one main package: the toolchain, the modules, the planner run.
  prepare = fn: args@{ src
    , vendorHash ? null   # hash of the third-party modules (fixed-output download); "" to learn it
    , subPackages ? null  # the packages to build, relative to the module root ([ "cmd/hello" ]); null: ./...
    , env ? { }           # extra environment for go: CGO_ENABLED, GOEXPERIMENT, ...
    , go ? null           # the Go toolchain (default: pkgs.go)
    , innerNix ? null     # the nix used inside the dynamic-derivation producer (default: pkgs.nix)
    , pname ? null        # name of the result (default: the last element of subPackage or src)
    , lockFile ? null     # a dgd.lock (default: src/dgd.lock when there is no vendorHash)
    , modRoot ? "."
    , ldflags ? [ ]
    , tags ? [ ]
    , GOFLAGS ? [ ]
    , excludedPackages ? [ ]
    , doCheck ? true
    , checkFlags ? [ ]
    , GOOS ? null
    , GOARCH ? null
    , allowGoReference ? false
    , buildInputs ? [ ]
    , nativeBuildInputs ? [ ]
    , earlyCutoff ? true
    , stdLayers ? true
    , ...
    }:
    let
      tc = import ./toolchain.nix ({ inherit pkgs; }
        // (if go != null then { inherit go; } else { })
        // (if innerNix != null then { inherit innerNix; } else { }));
      src' = check fn "src" (v: isPath v || isString v || isAttrs v) "a path or a store path" src;
      srcRoot = if isAttrs src' then "${src'}" else src';
      srcPath = if check fn "modRoot" isString "a string" modRoot == "." then srcRoot else "${srcRoot}/${modRoot}";
      # where the tests run: the whole source tree (a local path without .git), as go test and
      # buildGoModule's checkPhase run them
      testTree = if isAttrs src' || isString src' && builtins.hasContext src' then srcRoot
        else builtins.path { path = src'; name = "source"; filter = path: type: baseNameOf path != ".git"; };
      testDir = if modRoot == "." then "" else "${modRoot}/";
      # GOFLAGS first: as in buildGoModule, where it is the environment, the explicit flags
      # (ldflags, tags, allowGoReference) come later on go's command line and win
      goflags = (if isString GOFLAGS then builtins.filter (f: isString f && f != "") (builtins.split " " GOFLAGS)
            else check fn "GOFLAGS" (isListOf isString) "a list of strings" GOFLAGS)
        ++ (if check fn "allowGoReference" isBool "true or false" allowGoReference then [ "-trimpath=false" ] else [ ])
        ++ (if check fn "ldflags" (isListOf isString) "a list of strings" ldflags == [ ] then [ ] else [ "-ldflags=${concatStringsSep " " ldflags}" ])
        ++ (if check fn "tags" (isListOf isString) "a list of strings" tags == [ ] then [ ] else [ "-tags=${concatStringsSep "," tags}" ]);
      name = if pname != null then pname
        else if subPackages != null && builtins.match ".*[][*?].*" (baseNameOf (builtins.head subPackages)) == null then baseNameOf (builtins.head subPackages)
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
      modulesFile = if lock == null then "" else lock.modulesFile;
      # the build machine's GOOS/GOARCH, from the Nix system
      host = let parts = builtins.match "([^-]*)-(.*)" tc.system; in {
        GOARCH = { x86_64 = "amd64"; aarch64 = "arm64"; i686 = "386"; }.${builtins.head parts} or (builtins.head parts);
        GOOS = builtins.elemAt parts 1;
      };
      target = {
        GOOS = if GOOS == null then env.GOOS or host.GOOS else check fn "GOOS" isString "a string (linux, darwin, windows, ...)" GOOS;
        GOARCH = if GOARCH == null then env.GOARCH or host.GOARCH else check fn "GOARCH" isString "a string (amd64, arm64, ...)" GOARCH;
      };
      cross = target != host;
      inputsOf = what: v: check fn what (isListOf (x: isAttrs x || isString x || isPath x)) "a list of packages" v;
      ccInputs = inputsOf "buildInputs" buildInputs;
      tools = inputsOf "nativeBuildInputs" nativeBuildInputs;
      envList = map (k: "${k}=${toString env.${k}}") (builtins.filter (k: !(builtins.elem k [ "CGO_CFLAGS" "CGO_LDFLAGS" ] && ccInputs != [ ])) (attrNames (check fn "env" isAttrs "an attribute set" env)))
        ++ [ "GOOS=${target.GOOS}" "GOARCH=${target.GOARCH}" ] ++ cgoInputEnv env ccInputs;
      cgoOff = (env.CGO_ENABLED or null) != null && toString env.CGO_ENABLED == "0" || cross;
      test = check fn "doCheck" isBool "true or false" doCheck && !cross;
      pkgArgs = if subPackages == null then [ "./..." ] else map (p: "./" + p) subPackages;
      planFlags = map (e: "-exclude=" + shellQuote e) (check fn "excludedPackages" (isListOf isString) "a list of strings (regular expressions)" excludedPackages)
        ++ (if test then [ "-test" ] ++ map (f: "-testflag=" + shellQuote f) (check fn "checkFlags" (isListOf isString) "a list of strings" checkFlags) else [ ]);
      dgd = import ./dgd.nix { inherit tc; };
      # the shell lines that run `dgd plan` into $TMPDIR/plan.json
      planScript = ''
        export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off
        export GOMODCACHE=${if modcache == null then "$TMPDIR/no-modules" else modcache}
        ${concatStringsSep "\n" (map (e: "export ${shellQuote e}") envList)}
        if ! ${dgd}/bin/dgd plan -C ${srcPath} -gopkg ${tc.go} -go ${tc.go}/bin/go -o $TMPDIR/plan.json \
            ${if lock == null then "" else "-modules $modulesFilePath"} \
            ${concatStringsSep " " (map (f: "-goflag=" + shellQuote f) goflags ++ planFlags)} ${concatStringsSep " " pkgArgs}; then
          ${if hasVendorHash || lock != null then "" else ''
            if grep -q '^require' ${srcPath}/go.mod 2>/dev/null; then
              echo "dgd: ${name} requires third-party modules: set vendorHash (use vendorHash = \"\"; the error then prints the right hash), or write a dgd.lock with \`dgd lock\`" >&2
            fi''}
          exit 1
        fi
      '';
      contentAddressed = check fn "earlyCutoff" isBool "true or false" earlyCutoff;
    in { inherit tc name modulesFile planScript cgoOff ccInputs tools dgd;
      # packages.nix's arguments but the plan: the same in both modes
      packagesArgs = {
        toolchain = tc.data;
        inherit name modcache testTree testDir ccInputs contentAddressed;
        src = srcPath;
        lockModules = if lock == null then null else lock.modules;
        stdLayers = check fn "stdLayers" isBool "true or false" stdLayers;
      };
    };

  # buildGoModule's two forms: the arguments as a set, or as a function of the final
  # arguments (`finalAttrs: { ... }`, the fixed point of lib.extendMkDerivation, with
  # finalAttrs.finalPackage the result). The result's overrideAttrs adds a layer as
  # mkDerivation's does (`prev: { ... }` or `final: prev: { ... }`), so that overriding
  # version re-stamps an ldflag written with finalAttrs.version; override (a set, or a function
  # of the previous arguments) changes arguments the same way (go, innerNix, ...).
  build = fn: mode: argsOrFn: extensible fn mode argsOrFn [ ];
  extensible = fn: mode: base: layers:
    let
      layer = f: final: prev: let x = f prev; in if builtins.isFunction x then f final prev else x;
      argsOf = final: builtins.foldl' (prev: f: prev // layer f final prev)
        (if builtins.isFunction base then base final else check fn "the argument" isAttrs "an attribute set or a function finalAttrs: { ... }" base) layers;
      final = argsOf (final // { finalPackage = result; });
      result = build1 fn mode final // {
        overrideAttrs = f: extensible fn mode base (layers ++ [ f ]);
        override = f: extensible fn mode base (layers ++ [ (prev: if builtins.isFunction f then f prev else f) ]);
      };
    in result;

  # The result: every main package's bin/ in one output, stripped unless dontStrip, then
  # postInstall. mode (ifd.nix or dyndrv.nix) gets the programs into Nix: see the modes' contract
  # at the end of this file.
  build1 = fn: mode: args:
    let
      unknown = builtins.filter (a: !(arguments ? ${a})) (attrNames args);
      subs = if args ? subPackages then
          (if check fn "subPackages" (isListOf isString) "a list of strings" args.subPackages == [ ] then throw "dgd.${fn}: subPackages is empty" else args.subPackages)
        else if args ? subPackage then [ (check fn "subPackage" isString "a string" args.subPackage) ]
        else null;
      core = removeAttrs args [ "subPackage" "subPackages" "version" "dontStrip" "postInstall" "meta" "passthru" ];
      p0 = prepare fn (core // { subPackages = subs; });
      pname = args.pname or p0.name;
      bins = mode p0;
      tc = p0.tc;
      dontStrip = check fn "dontStrip" isBool "true or false" (args.dontStrip or false);
      # the result's cache output keeps what a rebuild reuses alive while it is a gc root: the
      # planner, the plan, the toolchain, the module sources and every package's outputs
      cacheRefs = [ "${p0.dgd}" "${tc.go}" "${tc.busybox}" ] ++ bins.cacheRefs;
      result = tc.run {
        name = if args ? version then "${pname}-${args.version}" else pname;
        extraPath = if dontStrip then [ ] else [ tc.bintools ];
        outputs = [ "out" "cache" ];
        inherit cacheRefs;
        passAsFile = [ "cacheRefs" ];
        script = ''
          tr ' ' '\n' < $cacheRefsPath | sort -u > $cache
          mkdir -p $out/bin
          cp -R ${bins}/bin/. $out/bin/
          chmod -R u+w $out/bin
        '' + (if dontStrip then "" else ''
          for f in $out/bin/*; do strip -S "$f"; done
        '') + check fn "postInstall" isString "a string" (args.postInstall or "");
      };
    in
      if unknown != [ ] then throw "dgd.${fn}: unknown argument(s) ${concatStringsSep ", " unknown} (known: ${concatStringsSep ", " (attrNames arguments)})"
      else result // {
        meta = check fn "meta" isAttrs "an attribute set" (args.meta or { });
        passthru = check fn "passthru" isAttrs "an attribute set" (args.passthru or { }) // {
          unstripped = if bins.drv != null then bins.drv else bins.outPath;
          inherit (bins.passthru) packages links tests planDrv;
        };
      } // (args.passthru or { });

in
# The modes. A mode is a function of prepare's result p (the toolchain p.tc, p.planScript that
# runs the planner, p.packagesArgs for packages.nix, ...) to
#   outPath    a store path (or builtins.outputOf's placeholder) holding bin/<name>: the
#              programs as go links them, once every test has passed
#   drv        the derivation of outPath where evaluation has it, else null
#   cacheRefs  the store paths a rebuild reuses, which the result's cache output keeps alive
#   passthru   { packages, links, tests, planDrv }: the per-package derivations, links, tests
#              and the plan's derivation where evaluation has them (else { }, [ ], { }, null)
# A third way of registering the per-package derivations is one more file of this shape.
{
  buildWithIFD = build "buildWithIFD" (import ./ifd.nix);
  buildWithDynDrv = args:
    let unsupported = import ./dyndrv-support.nix { };
    in if unsupported != null then throw unsupported else build "buildWithDynDrv" (import ./dyndrv.nix) args;
}
