# A plan (from `dgd plan`) as derivations: one per Go package and one for the link. Both build
# modes call this with the same arguments, all plain data (store paths, strings, switches; no
# functions), so that buildWithDynDrv can write them into its producer's expression
# (lib.toNix): buildWithIFD (ifd.nix) during evaluation, buildWithDynDrv (dyndrv.nix) inside
# its producer.
{ plan        # the parsed plan
, toolchain   # the tools (tools.nix's arguments: store paths of go, busybox, cc, ...)
, src         # the main module's root (a path, or a store path string); null where only
              # `shared` is asked for
, registered ? { packages = { }; layers = { }; } # derivations already made elsewhere, by
              # import path and by layer: their .drv paths (buildWithDynDrv's shared producer)
, name        # the name of the derivation that collects the programs
, modcache    # the third-party modules: the vendorHash download (GOMODCACHE's layout), or null
, lockModules # or dgd.lock's downloads: "path@version" -> store path (module-source.nix), or null
, testTree    # the whole source tree, where the tests run (as go test does)
, testDir     # the main module's root in testTree ("" or "DIR/")
, ccInputs    # what the C compiler reads besides its own: buildInputs (headers, libraries)
, contentAddressed # package derivations content-addressed: early cutoff (earlyCutoff)
, stdLayers   # the standard library in a few derivations (below), not one per package
, stamps ? [ ] # the values of the links' -X placeholders (@@x:N@@: build.nix's stamped)
, install ? null # or the result's name, extraPath and script (strip, postInstall: build.nix's
              # install), which buildWithIFD has run where bin/ is filled (result, below)
}:
let
  inherit (builtins) replaceStrings listToAttrs map attrNames concatStringsSep elem substring
    stringLength any filter foldl' genericClosure;
  tc = import ./tools.nix toolchain;
  moduleSource = import ./module-source.nix { inherit modcache lockModules; };
  goroot = "${tc.go}${plan.GorootRel}";
  gotools = import ./gotools.nix { inherit tc; };

  # a store name from an import path
  inherit (import ./lib.nix) storeName shellQuote floatingCA refsFile;

  modules = builtins.mapAttrs moduleSource (plan.Modules or { });

  # src's directory dir (relative to src)
  srcDir = dir: if dir == "." then src else "${src}/${dir}";

  # the files of src's directory dir (relative to src) for which keep (path relative to dir,
  # type) holds
  dirSource = { dir, name, keep }:
    let
      base = srcDir dir;
      baseLen = stringLength (toString base) + 1;
    in builtins.path {
      path = base;
      inherit name;
      filter = path: type: keep (substring baseLen (-1) (toString path)) type;
    };

  # a main-module package's own files, and nothing else
  mainSource = p: dirSource {
    dir = p.Source.Dir;
    name = "gosrc-" + storeName p.ImportPath;
    keep = rel: type:
      if type == "directory"
      then any (f: substring 0 (stringLength rel + 1) f == rel + "/") p.Source.Files
      else elem rel p.Source.Files;
  };

  # A main-module package of Go files only (no cgo, no other or embedded files: what the compiler
  # reads, where a NUL byte is an error) carries its files in its derivation, one attribute each
  # (passAsFile), instead of a store path of its own: a dynamic-derivation producer pays Nix
  # about 10 ms for every path it adds to the store (the sandbox's bind mount, session 17), and an
  # edit re-adds every main-module package's. The step writes them to $s, which stands where the
  # plan says @@src@@: the planner writes that placeholder only inside single quotes (replay.Quote;
  # TestSourceQuoted), where '"$s"' closes the quotes around the variable. $s is the package's
  # directory in the source tree under $TMPDIR/src, which the compiler's errors name.
  inlined = p: p.Source.Kind == "main" && !(p.CC or false)
    && builtins.all (f: builtins.match "[^/]*[.]go" f != null) p.Source.Files
    && builtins.length (builtins.split "'-embedcfg'" p.Script) == 1;
  inline = p:
    let
      base = srcDir p.Source.Dir;
      files = builtins.genList (i: { attr = "gosrc${toString i}"; file = builtins.elemAt p.Source.Files i; })
        (builtins.length p.Source.Files);
    in {
      script = "s=$TMPDIR/${shellQuote (if p.Source.Dir == "." then "src" else "src/${p.Source.Dir}")}\nmkdir -p \"$s\"\n"
        + concatStringsSep "" (map (f: "mv \"\$${f.attr}Path\" \"$s\"/${shellQuote f.file}\n") files);
      attrs = listToAttrs (map (f: { name = f.attr; value = builtins.readFile "${base}/${f.file}"; }) files)
        // { passAsFile = map (f: f.attr) files; };
    };

  sourceOf = p:
    if inlined p then inline p
    else if p.Source.Kind == "main" then mainSource p
    else if p.Source.Kind == "module" then
      (if p.Source.Dir == "." then modules.${p.Source.Module} else "${modules.${p.Source.Module}}/${p.Source.Dir}")
    else null;

  preamble = concatStringsSep "" (map (e: "export ${shellQuote e}\n") (plan.Env or [ ])) + ''
    w=$TMPDIR/w
    c=''${NIX_BUILD_CORES:-1}
    if [ "$c" -lt 1 ] || [ "$c" -gt 4 ]; then c=4; fi
  '';

  # where importers find package d: its export data (@@dep:d@@) and its code (@@link:d@@)
  outOf = d: if layerOf ? ${d} then "${layers.${layerOf.${d}}.out}/${storeName d}" else "${packages.${d}.out}";
  linkOf = d: if layerOf ? ${d} then "${layers.${layerOf.${d}}.link}/${storeName d}" else "${packages.${d}.link}";
  # the text of step st, for a derivation whose package files come from source; depOut and
  # depLink say where the dependencies' outputs are. One pass over the text (builtins.split):
  # replaceStrings with two patterns per dependency is quadratic, 2.3 s of evaluation for the
  # link of a 2,000-package program. A placeholder that names no dependency of st stays as it is,
  # as replaceStrings left it.
  stepScript = { st, source ? null, depOut ? outOf, depLink ? linkOf }:
    let
      isDep = listToAttrs (map (d: { name = d; value = true; }) st.Deps);
      # a placeholder's groups: the whole key, dep or link and the import path, a stamp's number
      value = g: let key = builtins.head g; kind = builtins.elemAt g 1; d = builtins.elemAt g 2; in
        if key == "goroot" then goroot
        else if key == "gotool" then "${gotools}"
        else if key == "src" then (if source == null then "@@no-source@@" else "${source}")
        else if kind == null then builtins.elemAt stamps (builtins.fromJSON (builtins.elemAt g 3))
        else if !(isDep ? ${d}) then "@@${key}@@"
        else if kind == "dep" then depOut d else depLink d;
    in concatStringsSep "" (map (x: if builtins.isString x then x else value x)
      (builtins.split "@@(goroot|gotool|src|(dep|link):([^@]*)|x:([0-9]+))@@" st.Script));

  # a step of the plan as a derivation; source: a store path (sourceOf), or a main-module
  # package's files carried in the derivation (inline, above); post: shell run after it, with
  # its tools on PATH
  step = { drvName, st, source ? null, extra ? { }, post ? { script = ""; extraPath = [ ]; } }:
    let carried = builtins.isAttrs source; in
    tc.run ({
      name = drvName;
      script = preamble + (if carried then source.script else "")
        + stepScript { inherit st; source = if carried then "'\"$s\"'" else source; } + post.script;
      extraPath = (if st.CC or false then [ tc.cc ] else [ ]) ++ post.extraPath;
    } // extra // (if carried then source.attrs else { })
      // (if st.CC or false && ccInputs != [ ] then { inherit ccInputs; } else { }));

  # Early cutoff: a package's derivation is content-addressed, with its export data and its
  # code in two outputs; importers read only the export data, so when an edit leaves it
  # byte-identical (a function body that is not inlined), Nix finds their builds already done.
  packageOutputs = { outputs = [ "out" "link" ]; } // (if contentAddressed
    then floatingCA else { });

  packages = listToAttrs (map (p: {
    name = p.ImportPath;
    value = if layerOf ? ${p.ImportPath} then layers.${layerOf.${p.ImportPath}}
      else if registered.packages ? ${p.ImportPath} then made registered.packages.${p.ImportPath}
      else step { drvName = "gopkg-" + storeName p.ImportPath; st = p; source = sourceOf p; extra = packageOutputs; };
  }) plan.Packages);

  # a package derivation registered elsewhere (its .drv path): its outputs, as a derivation's
  made = drv: let d = builtins.storePath drv; in {
    out = builtins.outputOf d "out";
    link = builtins.outputOf d "link";
    outputs = [ "out" "link" ];
  };
  # The derivations that no main-module source shapes: those of the packages that neither are
  # in the main module nor import one of its packages, and such layers. An edit changes
  # none of them: buildWithDynDrv registers them in a producer of their own, which an edit
  # does not run again.
  ofMain = listToAttrs (map (p: { name = p.ImportPath; value = p.Source.Kind == "main" || any (d: ofMain.${d}) p.Deps; }) plan.Packages);
  shared = {
    packages = listToAttrs (map (p: { name = p.ImportPath; value = packages.${p.ImportPath}; })
      (filter (p: !ofMain.${p.ImportPath} && !(layerOf ? ${p.ImportPath})) plan.Packages));
    # a layer is keyed by its hub, which imports all its members (with a profile, the
    # standard library is the program's: of the main module)
    layers = listToAttrs (map (h: { name = h; value = layers.${h}; }) (filter (h: !ofMain.${h}) (attrNames layers)));
  };

  # The standard library in layers: layer H holds the standard packages that H needs and no
  # earlier layer holds (H's the program does not use make no layer); the rest of the standard
  # library stays one derivation per package. It only changes with the Go version and the flags,
  # and a derivation costs Nix more than compiling most standard packages does (make drvcost),
  # so this cuts yq's 360 derivations to 158. The same Go, flags and layers give the same
  # derivations in every program. A layer runs its packages' steps in dependency order, as many
  # at once as it has cores, each as soon as the ones it imports are done; package P's files are
  # in the layer's outputs under P's store name.
  byPath = listToAttrs (map (p: { name = p.ImportPath; value = p; }) plan.Packages);
  # each hub, and its copies built for one program's PGO profile ("runtime [MAIN]"): h, the
  # layer's name, and the hub whose layer it keeps clear of (avoid, below)
  plainHub = h: { inherit h; name = h; avoid = null; };
  hubs = builtins.concatMap (hub: [ hub ] ++ map (ip: let sfx = substring (stringLength hub.h) (-1) ip; in {
      h = ip; name = hub.name + sfx; avoid = if hub.avoid == null then null else hub.avoid + sfx;
    }) (filter (ip: substring 0 (stringLength hub.h + 2) ip == hub.h + " [") (attrNames byPath)))
    (map plainHub [ "runtime" "os" "fmt" "bufio" ]
      # the crypto packages, which many programs build without TLS (ssh, age, hashes, JWTs):
      # crypto/x509's standard packages but those that import a package of the net layer (x509
      # itself, and what imports `weak`), so that this layer does not wait for net's, which
      # holds runtime/cgo's C compiles
      ++ [ { h = "crypto/x509"; name = "crypto"; avoid = "net"; } ]
      ++ map plainHub [ "net" "crypto/tls" "net/http" ]);
  closure = ip: map (x: x.key) (genericClosure {
    startSet = [ { key = ip; } ];
    operator = x: map (d: { key = d; }) byPath.${x.key}.Deps;
  });
  layerMembers = (foldl' (acc: hub:
    let
      h = hub.h;
      # the packages of the avoided hub's layer-to-be: a member imports none of them, directly
      # or not (clearOf: once per package of h's closure, from its imports')
      avoided = if hub.avoid == null || !(byPath ? ${hub.avoid}) then { }
        else listToAttrs (map (m: { name = m; value = true; }) (filter (m: !(acc.taken ? ${m})) (closure hub.avoid)));
      clearOf = listToAttrs (map (m: { name = m; value = !(avoided ? ${m}) && builtins.all (d: clearOf.${d}) byPath.${m}.Deps; }) (closure h));
      clear = m: avoided == { } || clearOf.${m};
    in
    if !stdLayers || !(byPath ? ${h}) || !(byPath.${h}.Standard or false) then acc
    else let members = filter (m: !(acc.taken ? ${m}) && byPath.${m}.Standard or false && clear m) (closure h); in
    if members == [ ] then acc else {
      taken = acc.taken // listToAttrs (map (m: { name = m; value = h; }) members);
      list = acc.list ++ [ { inherit h members; inherit (hub) name; } ];
    }) { taken = { }; list = [ ]; } hubs);
  layerOf = layerMembers.taken;
  layers = listToAttrs (map (l: { name = l.h; value = if registered.layers ? ${l.h} then made registered.layers.${l.h} else layer l; }) layerMembers.list);
  scheduler = builtins.elemAt (builtins.match "(#[^\n]*\n)*(.*)" (builtins.readFile ./layer-scheduler.sh)) 1;
  layer = { h, name, members }:
    let
      fn = m: "p_" + replaceStrings [ "/" "." "-" " " "[" "]" ] [ "_" "_" "_" "_" "_" "_" ] m;
      inLayer = d: layerOf.${d} or null == h;
      # a member's dependency in the layer: under the layer's own output
      self = o: other: d: if inLayer d then "${builtins.placeholder o}/${storeName d}" else other d;
      memberScript = m: stepScript { st = byPath.${m}; depOut = self "out" outOf; depLink = self "link" linkOf; };
      cc = any (m: byPath.${m}.CC or false) members;
      # members roughly after the members they import (genericClosure goes breadth-first from
      # the hub); only the order in which ready steps start depends on it
      ordered = foldl' (a: m: [ m ] ++ a) [ ] members;
    in tc.run ({
      # named to sort before gopkg-*: Nix starts ready builds in the order of their names, and
      # the layers are on the critical path
      name = "go-std-" + storeName name;
      extraPath = if cc then [ tc.cc ] else [ ];
      # each package's step as a shell function, which the scheduler runs in a subshell with -e
      steps = preamble + concatStringsSep "" (map (m: ''
        ${fn m}() {
        w=$TMPDIR/${storeName m}; out=${builtins.placeholder "out"}/${storeName m}; link=${builtins.placeholder "link"}/${storeName m}
        ${memberScript m}}
      '') members);
      passAsFile = [ "steps" ];
      # run each step once the steps of the packages it imports are done, $c at once
      # (layer-scheduler.sh)
      script = preamble + replaceStrings [ "@todo@" ] [ (concatStringsSep " " (map (m: concatStringsSep ":" ([ (fn m) ] ++ map fn (filter inLayer byPath.${m}.Deps))) ordered)) ] scheduler;
    } // packageOutputs // (if cc && ccInputs != [ ] then { inherit ccInputs; } else { }));

  # a single program without tests: its link is bins (one derivation fewer on the way from an
  # edit to the result), named name
  bare = builtins.length plan.Links == 1 && (plan.Tests or [ ]) == [ ];
  links = map (l: step { drvName = if bare then name else "golink-" + storeName l.Binary; st = l; }) plan.Links;

  # per tested package: the test binary's link, and its run (which fails when a test fails) in
  # the package's directory of the whole source tree, as go test runs it: tests read files
  # anywhere in the tree (../testdata, another package's files); the binary links only what
  # the package imports
  tests = listToAttrs (map (t: {
    name = t.ImportPath;
    value = rec {
      link = step { drvName = "gotest-" + storeName t.ImportPath; st = t.Link; };
      # PATH as in buildGoModule's checkPhase: stdenv's tools first (tests that run GNU tar or
      # bzip2), then go (tests that run `go env`, testscripts: offline, this toolchain)
      run = tc.run {
        name = "gotest-run-" + storeName t.ImportPath;
        extraPath = [ tc.go ];
        script = "export PATH=${concatStringsSep "" (map (p: "${p}/bin:") tc.checkTools)}$PATH\n"
          + "export GOTOOLCHAIN=local GOPROXY=off GOSUMDB=off GOFLAGS= GOCACHE=$TMPDIR/gocache GOPATH=$TMPDIR/gopath\n"
          + replaceStrings [ "@@test@@" "@@tree@@" "@@dir@@" ] [ "${link}" "${testTree}" (shellQuote (testDir + t.Dir)) ] t.Run.Script;
      };
    };
  }) (plan.Tests or [ ]));

  # every output of every package, layer, test, link and gotools, and the module sources (what
  # a rebuild reuses) in a file's closure: the result's cache. Apart from bins: a derivation has
  # its inputs' closure in its sandbox, which costs about a millisecond per path, so what an
  # edit builds (a link, the result) takes only what it reads
  outputsOf = d: map (o: "${d.${o}}") (d.outputs or [ "out" ]);
  cache = refsFile tc.run "${name}-refs" (builtins.concatMap outputsOf
    (builtins.attrValues (packages // layers) ++ [ gotools ] ++ builtLinks ++ builtins.concatMap (t: [ t.link t.run ]) (builtins.attrValues tests))
    ++ map toString (builtins.attrValues modules));

  # every program's bin/, once every test has passed (a single program without tests is its
  # link already)
  collect = { name, script ? "", extraPath ? [ ] }: tc.run {
    inherit name extraPath;
    script = "mkdir -p $out/bin\n"
      + concatStringsSep "" (map (l: "cp -R ${l}/bin/. $out/bin/\n") links)
      + "chmod -R u+w $out/bin\n"
      + concatStringsSep "" (map (t: "# passed: ${tests.${t}.run}\n") (attrNames tests))
      + script;
  };
  bins = if bare then builtins.head links else collect { inherit name; };
  # with install, the result: install's script run where bin/ is filled, the single program's
  # link or the collector (one derivation fewer after an edit than bins and then the result)
  result = if install == null then null
    else if bare then step { drvName = install.name; st = builtins.head plan.Links; post = install; }
    else collect install;
  # the links a build of the result builds (the cache's): a single program's is the result
  builtLinks = if bare && result != null then [ result ] else links;
in
{
  inherit packages links tests bins result modules gotools layers cache shared;
}
