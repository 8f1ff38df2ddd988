# The scheduler of a standard-library layer (nix/packages.nix reads it; its leading comment
# lines are left out): runs each package's step, a shell function of $stepsPath, once the
# steps of the layer's packages it imports are done, $c at once. @todo@ is the list of
# "FUNCTION:DEP:DEP..." words, one per package. The functions are read once; each step runs in
# a subshell of this shell with -e, which then writes "FUNCTION STATUS" to the fifo on fd 3,
# and this shell waits on the fifo (no polling): a finished step starts the next ones at once.
# After a failed step no more start, and the layer fails once the running ones are done.
. "$stepsPath"
mkfifo $TMPDIR/finished
exec 3<>$TMPDIR/finished
ifs=$IFS running=0 failed=0
todo='@todo@'
while :; do
  left=
  for e in $todo; do
    IFS=:; set -- $e; IFS=$ifs
    f=$1; shift; ready=$((1 - failed))
    for d; do eval "[ -n \"\${done_$d-}\" ]" || { ready=0; break; }; done
    if [ $ready = 1 ] && [ $running -lt $c ]; then
      # set +e first: the step's status is reported, not this job's end
      { set +e; (set -e; $f); echo "$f $?" >&3; } &
      running=$((running + 1))
    else
      left="$left $e"
    fi
  done
  todo=$left
  [ $running -gt 0 ] || break
  read -r f status <&3
  running=$((running - 1))
  if [ "$status" = 0 ]; then eval "done_$f=1"; else failed=1; fi
done
wait
if [ $failed = 1 ] || [ -n "$todo" ]; then exit 1; fi
