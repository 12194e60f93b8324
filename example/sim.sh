#!/bin/sh
# A stand-in simulation: reads its parameters, prints a few lines, reports
# progress and writes its results as one JSON object.
alpha=$1 n=$2 seed=$3
echo "simulating alpha=$alpha n=$n model=$JOBSPLIT_PARAM_MODEL seed=$seed"
step=0
while [ "$step" -lt "$n" ]; do
	step=$((step + 10))
	echo "$step $n" | awk '{ printf "%.2f\n", $1 / $2 }' >"$JOBSPLIT_PROGRESS"
done
score=$(awk -v a="$alpha" -v n="$n" -v s="$seed" 'BEGIN { printf "%.6f", a * log(n) + (s % 1000) / 1e6 }')
echo "done: score=$score" >&2
printf '{"score": %s, "steps": %s}\n' "$score" "$n" >"$JOBSPLIT_RESULT"
