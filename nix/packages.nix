# A plan (from `dgd plan`) as derivations: one per Go package and one for the link. Both build
# modes call this: buildWithIFD during evaluation, buildWithDynDrv inside its producer.
{ tc          # toolchain.nix
, plan        # the parsed plan
, src         # the main module's root (a path, or a store path string)
, moduleSource # "path@version" -> dir -> the module's files (module-source.nix)
, name        # the name of the derivation that collects the programs
, ccInputs ? [ ] # what the C compiler reads besides its own: buildInputs (headers, libraries)
, contentAddressed ? true # package derivations content-addressed: early cutoff
}:
let
  inherit (builtins) replaceStrings listToAttrs map attrNames concatStringsSep elem substring
    stringLength any;
  goroot = "${tc.go}${plan.GorootRel}";
  gotools = import ./gotools.nix { inherit tc; };

  # a store name from an import path
  inherit (import ./lib.nix) storeName;

  modules = builtins.mapAttrs moduleSource (plan.Modules or { });

  # the files of src's directory dir (relative to src) for which keep (path relative to dir,
  # type) holds
  dirSource = { dir, name, keep }:
    let
      base = if dir == "." then src else "${src}/${dir}";
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

  sourceOf = p:
    if p.Source.Kind == "main" then mainSource p
    else if p.Source.Kind == "module" then
      (if p.Source.Dir == "." then modules.${p.Source.Module} else "${modules.${p.Source.Module}}/${p.Source.Dir}")
    else null;

  inherit (import ./lib.nix) shellQuote;
  preamble = concatStringsSep "" (map (e: "export ${shellQuote e}\n") (plan.Env or [ ])) + ''
    w=$TMPDIR/w
    c=''${NIX_BUILD_CORES:-1}
    if [ "$c" -lt 1 ] || [ "$c" -gt 4 ]; then c=4; fi
  '';

  # a step of the plan as a derivation: @@dep:P@@ is package P's export data (its out output),
  # @@link:P@@ its code (its link output)
  step = { drvName, st, source ? null, extra ? { } }:
    let
      deps = st.Deps;
      from = [ "@@goroot@@" "@@gotool@@" "@@src@@" ] ++ map (d: "@@dep:${d}@@") deps ++ map (d: "@@link:${d}@@") deps;
      to = [ goroot "${gotools}" (if source == null then "@@no-source@@" else "${source}") ]
        ++ map (d: "${packages.${d}.out}") deps ++ map (d: "${packages.${d}.link}") deps;
    in tc.run ({
      name = drvName;
      script = preamble + replaceStrings from to st.Script;
      extraPath = if st.CC or false then [ tc.cc ] else [ ];
    } // extra // (if st.CC or false && ccInputs != [ ] then { inherit ccInputs; } else { }));

  # Early cutoff: a package's derivation is content-addressed, with its export data and its
  # code in two outputs; importers read only the export data, so when an edit leaves it
  # byte-identical (a function body that is not inlined), Nix finds their builds already done.
  packages = listToAttrs (map (p: {
    name = p.ImportPath;
    value = step {
      drvName = "gopkg-" + storeName p.ImportPath; st = p; source = sourceOf p;
      extra = { outputs = [ "out" "link" ]; } // (if contentAddressed
        then { __contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256"; } else { });
    };
  }) plan.Packages);

  links = map (l: step { drvName = "golink-" + storeName l.Binary; st = l; }) plan.Links;

  # a test package's own directory: its files and testdata/, where go test runs the test
  testSource = t: dirSource {
    dir = t.Dir;
    name = "gotestsrc-" + storeName t.ImportPath;
    keep = rel: type: type != "directory" && builtins.match ".*/.*" rel == null
      || rel == "testdata" || substring 0 9 rel == "testdata/";
  };

  # per tested package: the test binary's link, and its run (which fails when a test fails)
  tests = listToAttrs (map (t: {
    name = t.ImportPath;
    value = rec {
      link = step { drvName = "gotest-" + storeName t.ImportPath; st = t.Link; };
      run = tc.run {
        name = "gotest-run-" + storeName t.ImportPath;
        script = replaceStrings [ "@@test@@" "@@src@@" ] [ "${link}" "${testSource t}" ] t.Run.Script;
      };
    };
  }) (plan.Tests or [ ]));

  # every program's bin/, once every test has passed
  bins = tc.run {
    inherit name;
    script = ''
      mkdir -p $out/bin
    '' + concatStringsSep "" (map (l: "cp -R ${l}/bin/. $out/bin/\n") links)
      + concatStringsSep "" (map (t: "# passed: ${tests.${t}.run}\n") (attrNames tests));
  };
in
{
  inherit packages links tests bins modules gotools;
}
