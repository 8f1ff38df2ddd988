# A plan (from `dgd plan`) as derivations: one per Go package and one for the link. Both build
# modes call this: buildWithIFD during evaluation, buildWithDynDrv inside its producer.
{ tc          # toolchain.nix
, plan        # the parsed plan
, src         # the main module's root (a path, or a store path string)
, moduleSource # "path@version" -> dir -> the module's files (module-source.nix)
, name        # the link derivation's name
}:
let
  inherit (builtins) replaceStrings listToAttrs map attrNames concatStringsSep filter elem
    substring stringLength any;
  goroot = "${tc.go}${plan.GorootRel}";
  gotools = import ./gotools.nix { inherit tc; };

  # a store name from an import path
  inherit (import ./lib.nix) storeName;

  modules = builtins.mapAttrs moduleSource (plan.Modules or { });

  # a main-module package's own files, and nothing else
  mainSource = p:
    let
      dir = p.Source.Dir;
      base = if dir == "." then src else "${src}/${dir}";
      files = p.Source.Files;
      baseLen = stringLength (toString base) + 1;
    in builtins.path {
      path = base;
      name = "gosrc-" + storeName p.ImportPath;
      filter = path: type:
        let rel = substring baseLen (-1) (toString path);
        in if type == "directory"
           then any (f: substring 0 (stringLength rel + 1) f == rel + "/") files
           else elem rel files;
    };

  sourceOf = p:
    if p.Source.Kind == "main" then mainSource p
    else if p.Source.Kind == "module" then
      (if p.Source.Dir == "." then modules.${p.Source.Module} else "${modules.${p.Source.Module}}/${p.Source.Dir}")
    else null;

  preamble = ''
    w=$TMPDIR/w
    c=''${NIX_BUILD_CORES:-1}
    if [ "$c" -lt 1 ] || [ "$c" -gt 4 ]; then c=4; fi
  '';

  step = { drvName, st, source ? null }:
    let
      deps = st.Deps;
      from = [ "@@goroot@@" "@@gotool@@" "@@src@@" ] ++ map (d: "@@dep:${d}@@") deps;
      to = [ goroot "${gotools}" (if source == null then "@@no-source@@" else "${source}") ]
        ++ map (d: "${packages.${d}}") deps;
    in tc.run {
      name = drvName;
      script = preamble + replaceStrings from to st.Script;
      extraPath = if st.CC or false then [ tc.cc ] else [ ];
    };

  packages = listToAttrs (map (p: {
    name = p.ImportPath;
    value = step { drvName = "gopkg-" + storeName p.ImportPath; st = p; source = sourceOf p; };
  }) plan.Packages);

  link = step { drvName = name; st = plan.Link; };
in
{
  inherit packages link modules gotools;
  binary = plan.Binary;
}
