# buildWithDynDrv's mode (the contract is in build.nix, where the modes are declared): dynamic
# derivations. Text-hashed, content-addressed producers read the plan (p.planDrv's output)
# and, with recursive-nix, each run one nix-instantiate that registers per-package .drv files
# (packages.nix, called with the same arguments as buildWithIFD's, written as Nix source by
# lib.toNix): the shared one those no edit of the main module changes, the main one the rest;
# its output is the .drv of the programs, built through builtins.outputOf. A third, built only
# for the result's cache, outputs the .drv of the file that names every package's outputs.
p:
let
  inherit (import ./lib.nix) toNix;
  tc = p.tc;
  nixDir = builtins.path { path = ./.; name = "dgd-nix"; };
  # packages.nix of the plan ($PLAN) and args, in the producer
  packagesOf = args: extra: ''
    import ${nixDir}/packages.nix (${toNix args} // {
      # the plan names buildInputs' store paths (cgo's -I and -L); the steps that use them take
      # them as inputs (ccInputs), so the plan's own references can go
      plan = builtins.fromJSON (builtins.unsafeDiscardStringContext (builtins.readFile (builtins.getEnv "PLAN")));
    } // ${extra})
  '';
  # a producer's script that registers the derivation its expression evaluates to and outputs
  # that .drv
  registerOne = what: ''
    register nix-instantiate "$exprPath" > $TMPDIR/drv
    cp $(cat $TMPDIR/drv) $out
    n="${what}"
  '';
  # A producer: a text-hashed, content-addressed derivation that runs `register` (which
  # writes the output) with recursive-nix.
  producer = name: attrs: derivation ({
    inherit name;
    system = tc.system;
    builder = "${tc.busybox}/bin/sh";
    args = [ "-e" "-c" ". \"$scriptPath\"" ];
    PATH = "${tc.busybox}/bin:${tc.innerNix}/bin";
    requiredSystemFeatures = [ "recursive-nix" ];
    # local, where Nix has a build slot (max-jobs > 0): it is cheap, and Nix 2.34's remote
    # builds copy back only a derivation's outputs, not the .drv files this one's refers to
    preferLocalBuild = true;
    __contentAddressed = true;
    outputHashMode = "text";
    outputHashAlgo = "sha256";
    NIX_CONFIG = "extra-experimental-features = nix-command ca-derivations dynamic-derivations";
    PLAN = p.planDrv;
    script = ''
      t0=$(cut -d' ' -f1 /proc/uptime)
      register() { "$@" 2>$TMPDIR/inst.log || { cat $TMPDIR/inst.log >&2; exit 1; }; }
    '' + attrs.script + ''
      t1=$(cut -d' ' -f1 /proc/uptime)
      awk -v a=$t0 -v b=$t1 -v n="$n" 'BEGIN { printf "dgd: registered %s in %.2f s\n", n, b-a }' >&2
    '';
    passAsFile = [ "script" "expr" ];
  } // removeAttrs attrs [ "script" ]);
  # The derivations that no main-module source shapes (packages.nix's shared: the standard
  # library, the modules' packages), registered once per plan: an edit does not run this again,
  # as its inputs (the plan, the modules, the toolchain) stay the same. Its output: their
  # .drv paths, as JSON.
  shared = producer "${p.name}-shared.json" {
    expr = ''
      let built = ${packagesOf (p.packagesArgs // { src = null; testTree = null; stamps = [ ]; }) "{ }"};
      in { packages = builtins.mapAttrs (_: d: d.drvPath) built.shared.packages;
           layers = builtins.mapAttrs (_: d: d.drvPath) built.shared.layers; }
    '';
    script = ''
      register nix-instantiate --eval --strict --json --read-write-mode "$exprPath" > $out
      n="$(grep -o '\.drv"' $out | wc -l) shared package and standard-library layer derivations"
    '';
  };
  # A producer of one derivation of packages.nix's (attribute attr) over the rest (the main
  # module's packages and those that import one, the links, the tests), with the shared ones
  # as registered; its output is that derivation's .drv
  mainProducer = name: attr: producer name {
    expr = "(${packagesOf p.packagesArgs "{ registered = builtins.fromJSON (builtins.unsafeDiscardStringContext (builtins.readFile (builtins.getEnv \"SHARED\"))); }"}).${attr}";
    SHARED = shared;
    script = registerOne "the main module's derivations (and the links and tests)";
  };
  # the programs
  main = mainProducer "${p.name}.drv" "bins";
  # the file that names every package's outputs (packages.nix's cache), for the result's cache
  # only: a producer of its own, so that a build of the result alone does not build it
  refs = mainProducer "${p.name}-refs.drv" "cache";
  # The standard library's runtime layer from its own plan (build.nix's stdPlanDrv): the
  # result depends on it (early, in build.nix) so that Nix builds it while the modules download
  # and the program is planned; the shared producer registers the same derivation again. Its
  # inputs are none of the program's, so an edit does not run it. Named as the layer, so that
  # its output is the very .drv the shared producer registers (a .drv's outputs are named after
  # its file: another name would give the same realisation a second path, which Nix refuses).
  early = if p.stdPlanDrv == null then null else producer "go-std-runtime.drv" {
    expr = "(${packagesOf p.stdArgs "{ }"}).shared.layers.runtime";
    PLAN = p.stdPlanDrv;
    script = registerOne "the standard library's runtime layer";
  };
in
{
  outPath = builtins.outputOf main.outPath "out";
  drv = null;
  result = null;
  early = if early == null then null else builtins.outputOf early.outPath "out";
  # the producers' outputs (the .drv files) and the list of every package output
  cacheRefs = [ "${shared}" "${main}" "${refs}" (builtins.outputOf refs.outPath "out") "${tc.innerNix}" ]
    ++ (if early == null then [ ] else [ "${early}" ]);
  # the per-package derivations exist only inside the producers
  passthru = { packages = { }; links = [ ]; tests = { }; earlyLayer = null; inherit (p) planDrv; };
}
