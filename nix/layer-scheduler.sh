# The scheduler of a standard-library layer (nix/packages.nix reads it; its leading comment
# lines are left out): runs each package's step, a shell function of $stepsPath, once the
# steps of the layer's packages it imports are done, $c at once. @todo@ is the list of
# "FUNCTION:DEP:DEP..." words, one per package; $TMPDIR/done/FUNCTION marks a finished step,
# $TMPDIR/failed a failed one (the layer then fails once the running steps are done).
mkdir $TMPDIR/done
ifs=$IFS started=0
todo='@todo@'
while :; do
  finished=0
  for x in $TMPDIR/done/*; do [ ! -e "$x" ] || finished=$((finished + 1)); done
  if [ -e $TMPDIR/failed ]; then wait; exit 1; fi
  [ -n "$todo" ] || [ $started -gt $finished ] || break
  left=
  for e in $todo; do
    IFS=:; set -- $e; IFS=$ifs
    f=$1; shift; ready=1
    for d; do [ -e $TMPDIR/done/$d ] || { ready=0; break; }; done
    if [ $ready = 1 ] && [ $((started - finished)) -lt $c ]; then
      (if sh -e -c ". \"\$stepsPath\"; $f"; then touch $TMPDIR/done/$f; else touch $TMPDIR/failed $TMPDIR/done/$f; fi) &
      started=$((started + 1))
    else
      left="$left $e"
    fi
  done
  todo=$left
  sleep 0.05
done
wait
