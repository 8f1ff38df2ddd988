# Where the files of a third-party module come from, as a function "path@version" -> dir ->
# store path: from the vendorHash download (each module copied into a store path of its own,
# so a module's packages depend on its content only) or from its dgd.lock download.
{ modcache ? null, lockModules ? null }:
let inherit (import ./lib.nix) storeName;
in
mv: dir:
  if lockModules != null then
    (if lockModules ? ${mv} then "${lockModules.${mv}}/dir"
     else throw "dgd: module ${mv} is not in dgd.lock: run `dgd lock`")
  else if modcache != null then
    builtins.path { path = "${modcache}/${dir}"; name = "gomod-" + storeName mv; }
  else throw "dgd: module ${mv} is needed but there is no vendorHash and no dgd.lock"
