# buildWithIFD and buildWithDynDrv: the same arguments, the same result (a derivation whose
# output holds bin/<name>), two ways of getting the per-package derivations into Nix.
{ pkgs }:
let
  inherit (builtins) isAttrs isString typeOf concatStringsSep attrNames throw;

  stripHash = s: let m = builtins.match "[a-z0-9]{32}-(.*)" s; in if m == null then s else builtins.head m;
  inherit (import ./lib.nix) shellQuote cgoInputEnv floatingCA refsFile;

  # Every argument's doc, default and type, declared once. One plan covers every package
  # built and tested; they share their package derivations.
  arguments = import ./arguments.nix;
  # the arguments given, each checked, and the defaults of the others
  resolve = fn: given:
    let
      unknown = builtins.filter (a: !(arguments ? ${a})) (attrNames given);
      one = k: a:
        if !(given ? ${k}) then (if a ? default then a.default else throw "dgd.${fn}: argument `${k}` is required: ${a.doc}")
        else if a.type.ok given.${k} then given.${k}
        else throw "dgd.${fn}: argument `${k}` must be ${a.type.what}, got ${typeOf given.${k}}";
    in if unknown != [ ] then throw "dgd.${fn}: unknown argument(s) ${concatStringsSep ", " unknown} (known: ${concatStringsSep ", " (attrNames arguments)})"
      else builtins.mapAttrs one arguments;

  # Everything both modes share for one main package: the toolchain, the modules, the planner run.
  # a: the resolved arguments; given: the ones the caller gave (vendorHash = null is not its
  # absence)
  prepare = fn: given: a:
    with a; # the arguments by their names
    let
      tc = import ./toolchain.nix ({ inherit pkgs; }
        // (if go != null then { inherit go; } else { })
        // (if innerNix != null then { inherit innerNix; } else { }));
      srcRoot = if isAttrs src then "${src}" else src;
      srcPath = if modRoot == "." then srcRoot else "${srcRoot}/${modRoot}";
      # where the tests run: the whole source tree (a local path without .git), as go test and
      # buildGoModule's checkPhase run them; null without tests, so that buildWithDynDrv's
      # producer, which takes packages.nix's arguments as its inputs, does not have a second
      # copy of a local tree made after every edit
      testTree = if !test then null else if isAttrs src || isString src && builtins.hasContext src then srcRoot
        else builtins.path { path = src; name = "source"; filter = path: type: baseNameOf path != ".git"; };
      testDir = if modRoot == "." then "" else "${modRoot}/";
      userGoflags = if isString GOFLAGS then builtins.filter (f: isString f && f != "") (builtins.split " " GOFLAGS) else GOFLAGS;
      # Version stamps: `-X name=value` in ldflags (one element, or "-X" then "name=value") with
      # a plain value (letters, digits, . _ + : / , ~ = % -) is planned with a placeholder for
      # the value (@@x:N@@), which the link steps replace, so that a new stamp re-plans nothing
      # and relinks only: go passes such a word to the linker as it is and, with -trimpath (but
      # allowGoReference, or a -trimpath in GOFLAGS), records no ldflags in the binary. The
      # words joined are the same -ldflags go gets; anything else is planned as written.
      stampable = !allowGoReference && !builtins.any (f: builtins.substring 0 9 f == "-trimpath") userGoflags;
      plain = "([A-Za-z0-9._/+-]+)=([A-Za-z0-9._+:/,~=%-]*)";
      stamp = acc: m: acc // {
        flags = acc.flags ++ [ "-X ${builtins.head m}=@@x:${toString (builtins.length acc.values)}@@" ];
        values = acc.values ++ [ (builtins.elemAt m 1) ];
        held = false;
      };
      stamped0 = builtins.foldl' (acc: f:
        let m = builtins.match (if acc.held then plain else "-X ${plain}") f; in
        if builtins.match ".*@@.*" f != null
          then throw "dgd.${fn}: ldflags element ${builtins.toJSON f} contains @@, which stands for a placeholder in dgd's plans: write it another way (for instance with a variable set at run time)"
        else if stampable && m != null then stamp acc m
        else if stampable && !acc.held && f == "-X" then acc // { held = true; }
        else acc // { flags = acc.flags ++ (if acc.held then [ "-X" ] else [ ]) ++ [ f ]; held = false; })
        { flags = [ ]; values = [ ]; held = false; } ldflags;
      stamped = stamped0 // { flags = stamped0.flags ++ (if stamped0.held then [ "-X" ] else [ ]); };
      # GOFLAGS first: as in buildGoModule, where it is the environment, the explicit flags
      # (ldflags, tags, allowGoReference) come later on go's command line and win
      goflags = userGoflags
        ++ (if allowGoReference then [ "-trimpath=false" ] else [ ])
        ++ (if ldflags == [ ] then [ ] else [ "-ldflags=${concatStringsSep " " stamped.flags}" ])
        ++ (if tags == [ ] then [ ] else [ "-tags=${concatStringsSep "," tags}" ]);
      # the packages: subPackages, or the one subPackage
      subs = if subPackages != null then subPackages else if subPackage != null then [ subPackage ] else null;
      name = if pname != null then pname
        else if subs != null && builtins.match ".*[][*?].*" (baseNameOf (builtins.head subs)) == null then baseNameOf (builtins.head subs)
        else stripHash (baseNameOf (toString srcPath));
      hasVendorHash = vendorHash != null;
      modcache = if hasVendorHash then import ./modules.nix { inherit tc name vendorHash; src = srcPath; } else null;
      # without vendorHash, a dgd.lock (lockFile, or the one in src) downloads module by module
      lockPath = if lockFile != null then lockFile
        else if !(given ? vendorHash) && builtins.pathExists "${srcPath}/dgd.lock" then "${srcPath}/dgd.lock" else null;
      lock = if lockPath == null then null
        else import ./lock.nix { inherit tc name dgd; src = srcPath; lockFile = lockPath; };
      modulesFile = if lock == null then "" else lock.modulesFile;
      # the build machine's GOOS/GOARCH, from the Nix system
      host = let parts = builtins.match "([^-]*)-(.*)" tc.system; in {
        GOARCH = { x86_64 = "amd64"; aarch64 = "arm64"; i686 = "386"; }.${builtins.head parts} or (builtins.head parts);
        GOOS = builtins.elemAt parts 1;
      };
      target = {
        GOOS = if GOOS == null then env.GOOS or host.GOOS else GOOS;
        GOARCH = if GOARCH == null then env.GOARCH or host.GOARCH else GOARCH;
      };
      cross = target != host;
      ccInputs = buildInputs;
      tools = nativeBuildInputs;
      envList = map (k: "${k}=${toString env.${k}}") (builtins.filter (k: !(builtins.elem k [ "CGO_CFLAGS" "CGO_LDFLAGS" ] && ccInputs != [ ])) (attrNames env))
        ++ [ "GOOS=${target.GOOS}" "GOARCH=${target.GOARCH}" ] ++ cgoInputEnv env ccInputs;
      cgoOff = (env.CGO_ENABLED or null) != null && toString env.CGO_ENABLED == "0" || cross;
      test = doCheck && !cross;
      pkgArgs = if subs == null then [ "./..." ] else map (p: "./" + p) subs;
      planFlags = map (e: "-exclude=" + shellQuote e) excludedPackages
        ++ (if test then [ "-test" ] ++ map (f: "-testflag=" + shellQuote f) checkFlags else [ ]);
      dgd = import ./dgd.nix { inherit tc; };
      # The planner's input: what of src shapes a plan (`dgd skeleton`: file names, Go files'
      # headers and //go:embed lines, test files, go.mod, go.sum, ...), content-addressed with
      # earlyCutoff, so that an edit which leaves it the same (a change inside a function, a new
      # declaration) finds its plan already built: Nix resolves the plan's derivation to one it
      # has built before. One archive, not a tree: Nix registers a file in a fraction of the
      # time a tree of hundreds of files takes, and this runs after every edit.
      contentAddressed = if earlyCutoff then floatingCA else { };
      skeleton = tc.run ({
        name = "${name}-skeleton";
        script = "${dgd}/bin/dgd skeleton ${srcRoot} $out";
      } // contentAddressed);
      planSrc = if modRoot == "." then "$TMPDIR/src" else "$TMPDIR/src/${modRoot}";
      # what both plans' scripts (the program's, the standard library's) start with; their dgd
      # plan command, planning in dir and writing $out; go's flags as its arguments
      goOffline = "export HOME=$TMPDIR GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off";
      dgdPlan = dir: "${dgd}/bin/dgd plan -C ${dir} -gopkg ${tc.go} -go ${tc.go}/bin/go -o $out";
      goflagArgs = map (f: "-goflag=" + shellQuote f);
      # the plan: `dgd plan` of the skeleton; content-addressed too, so that a new skeleton
      # that plans the same (a test-only edit) leaves what reads the plan as it was
      planDrv = tc.run (contentAddressed // {
        name = "${name}-plan.json";
        script = ''
          ${goOffline}
          export GOMODCACHE=${if modcache == null then "$TMPDIR/no-modules" else modcache}
          ${dgd}/bin/dgd skeleton -x ${skeleton} $TMPDIR/src
          ${concatStringsSep "\n" (map (e: "export ${shellQuote e}") envList)}
          if ! ${dgdPlan planSrc} \
              ${if lock == null then "" else "-modules $modulesFilePath"} \
              ${concatStringsSep " " (goflagArgs goflags ++ planFlags)} ${concatStringsSep " " pkgArgs}; then
            ${if hasVendorHash || lock != null then "" else ''
              if grep -q '^require' ${planSrc}/go.mod 2>/dev/null; then
                echo "dgd: ${name} requires third-party modules: set vendorHash (use vendorHash = \"\"; the error then prints the right hash), or write a dgd.lock with \`dgd lock\`" >&2
              fi''}
            exit 1
          fi
        '';
        extraPath = (if cgoOff then [ ] else [ tc.cc ]) ++ tools;
        inherit modulesFile ccInputs;
        passAsFile = [ "modulesFile" ];
      });
      # The standard library's first layer, runtime's (every Go program's), planned apart from
      # the program: `dgd plan` of a main package that imports nothing, with the same Go, flags
      # and environment, needs neither the program's modules nor its sources, so Nix builds the
      # layer while the modules download and the program is planned (the modes start it: ifd.nix,
      # dyndrv.nix). It is the very derivation the program's plan makes (same commands, same
      # layer): checked for the examples by e2e's TestEarlyLayer. Not where the standard library
      # is the program's own: a profile (-pgo=FILE; or a default.pgo beside a main package's Go
      # files where one may be: the named packages' directories, or with a pattern the root's
      # and cmd/*'s; looked for where evaluation reads src anyway, a local path or one with a
      # dgd.lock, so that buildWithDynDrv with a vendorHash still reads no derivation's
      # output), or -overlay. A flag about the main module's go.mod (-mod, -modfile) is left
      # out.
      flagIs = re: builtins.any (f: builtins.match re f != null) goflags;
      mainDirs = if subs != null && builtins.all (s: builtins.match ".*[.][.][.].*" s == null) subs then subs
        else [ "." ] ++ (let cmd = "${srcPath}/cmd"; in if builtins.pathExists cmd
          then map (d: "cmd/${d}") (attrNames (builtins.readDir cmd)) else [ ]);
      readable = !builtins.hasContext (toString srcPath) || !(given ? vendorHash);
      isMain = f: builtins.length (builtins.split "\npackage main[ \t\r\n;/]" ("\n" + builtins.readFile f)) > 1;
      profiledDir = d: let dir = "${srcPath}/${d}"; in builtins.pathExists "${dir}/default.pgo"
        && builtins.any (f: builtins.match ".*[.]go" f != null && builtins.match ".*_test[.]go" f == null && isMain "${dir}/${f}")
          (attrNames (builtins.readDir dir));
      profiled = !flagIs "-pgo=off" && (flagIs "-pgo=.*" && !flagIs "-pgo=auto"
        || readable && builtins.any profiledDir mainDirs);
      earlyOk = stdLayers && !profiled && !flagIs "-overlay=.*";
      stdPlanDrv = if !earlyOk then null else tc.run (contentAddressed // {
        name = "go-std+plan.json";
        script = ''
          ${goOffline} GOWORK=off
          export GOMODCACHE=$TMPDIR/no-modules
          mkdir $TMPDIR/std
          printf 'module dgd.invalid/std\n' > $TMPDIR/std/go.mod
          printf 'package main\n\nfunc main() {}\n' > $TMPDIR/std/main.go
          ${concatStringsSep "\n" (map (e: "export ${shellQuote e}") stdEnv)}
          ${dgdPlan "$TMPDIR/std"} \
            ${concatStringsSep " " (goflagArgs (builtins.filter (f: builtins.match "-(mod|modfile)=.*" f == null) goflags))} ./ || {
            echo "dgd: planning the standard library's runtime layer (a main package that imports nothing, with ${name}'s Go, flags and environment) failed: see above" >&2
            exit 1
          }
        '';
        extraPath = if cgoOff then [ ] else [ tc.cc ];
      });
      # the environment but what cgo's C compiler reads
      stdEnv = builtins.filter (e: builtins.match "(CGO_(CFLAGS|CPPFLAGS|CXXFLAGS|FFLAGS|LDFLAGS)|PKG_CONFIG.*)=.*" e == null) envList;
    in { inherit tc name planDrv dgd stdPlanDrv;
      # packages.nix's arguments for the standard library's plan (stdPlanDrv): none of the
      # program's, so that the layer's derivation is the same in every program
      stdArgs = {
        toolchain = tc.data;
        name = "go-std";
        modcache = null; lockModules = null; src = null; testTree = null; testDir = ""; ccInputs = [ ];
        stdLayers = true;
        contentAddressed = earlyCutoff;
      };
      # packages.nix's arguments but the plan: the same in both modes
      packagesArgs = {
        toolchain = tc.data;
        inherit name modcache testTree testDir ccInputs stdLayers;
        stamps = stamped.values;
        src = srcPath;
        lockModules = if lock == null then null else lock.modules;
        contentAddressed = earlyCutoff;
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
        (if builtins.isFunction base then base final else if isAttrs base then base
         else throw "dgd.${fn}: the argument must be an attribute set or a function finalAttrs: { ... }, got ${typeOf base}") layers;
      final = argsOf (final // { finalPackage = result; });
      result = build1 fn mode final // {
        overrideAttrs = f: extensible fn mode base (layers ++ [ f ]);
        override = f: extensible fn mode base (layers ++ [ (prev: if builtins.isFunction f then f prev else f) ]);
      };
    in result;

  # The result: every main package's bin/ in one output, stripped unless dontStrip, then
  # postInstall. mode (ifd.nix or dyndrv.nix) gets the programs into Nix: see the modes' contract
  # at the end of this file. buildWithIFD makes the result where the programs' bin/ is filled
  # (the link, or the collector after the tests); buildWithDynDrv's result is a derivation that
  # evaluation has, so it copies the producer's programs.
  build1 = fn: mode: given:
    let
      args = resolve fn given;
      p0 = prepare fn given args;
      pname = p0.name;
      tc = p0.tc;
      inherit (args) dontStrip;
      resultName = if args.version != null then "${pname}-${args.version}" else pname;
      # what makes the programs (bin/) the result: strip, then postInstall
      install = {
        name = resultName;
        extraPath = if dontStrip then [ ] else [ tc.bintools ];
        script = (if dontStrip then "" else ''
          for f in $out/bin/*; do strip -S "$f"; done
        '') + args.postInstall;
      };
      bins = mode (p0 // { inherit install; });
      # the result's cache: a file whose closure is what a rebuild reuses (the planner, the plan
      # and the standard library's, the toolchain, the module sources, every package's
      # outputs), a gc root when built with the result. A derivation of its own, not an output
      # of the result: a derivation has its inputs' closure in its sandbox (about a millisecond
      # per path), and after an edit the result needs only the programs
      cache = refsFile tc.run "${resultName}-cache" ([ "${p0.dgd}" "${tc.go}" "${tc.busybox}" "${p0.planDrv}" ]
        ++ (if p0.stdPlanDrv == null then [ ] else [ "${p0.stdPlanDrv}" ]) ++ bins.cacheRefs);
      result = if bins.result != null then bins.result else tc.run (install // {
        script = ''
          mkdir -p $out/bin
          cp -R ${bins}/bin/. $out/bin/
          chmod -R u+w $out/bin
        '' + install.script;
      } // (if bins.early == null then { } else { inherit (bins) early; }));
    in
      result // {
        inherit (args) meta;
        inherit cache;
        passthru = args.passthru // {
          unstripped = if bins.drv != null then bins.drv else bins.outPath;
          inherit cache;
          inherit (bins.passthru) packages links tests planDrv earlyLayer;
        };
      } // args.passthru;

in
# The modes. A mode is a function of prepare's result p (the toolchain p.tc, p.planDrv whose
# output is the plan, p.packagesArgs for packages.nix, ...) to
#   outPath    a store path (or builtins.outputOf's placeholder) holding bin/<name>: the
#              programs as go links them, once every test has passed
#   drv        the derivation of outPath where evaluation has it, else null
#   result     the result where the mode makes it itself (p.install's script run where bin/ is
#              filled), else null: build.nix then makes it from outPath
#   early      what build.nix's result depends on only so that Nix starts it at once (the
#              standard library's runtime layer, p.stdPlanDrv's), else null
#   cacheRefs  the store paths a rebuild reuses, which the result's cache keeps alive
#   passthru   { packages, links, tests, planDrv, earlyLayer }: the per-package derivations,
#              links, tests, the plan's derivation and the early runtime layer's where
#              evaluation has them (else { }, [ ], { }, null, null)
# A third way of registering the per-package derivations is one more file of this shape.
{
  buildWithIFD = build "buildWithIFD" (import ./ifd.nix);
  buildWithDynDrv = args:
    let unsupported = import ./dyndrv-support.nix { };
    in if unsupported != null then throw unsupported else build "buildWithDynDrv" (import ./dyndrv.nix) args;
}
