#!/usr/bin/env bash
# wc-native.sh - the word count's native baseline, in the arrangement zvjob
# gives it: one wc-map per text and the wc-reduce, all started at once,
# each map streaming to the reducer through a FIFO (what a network channel
# is to them: a file read to its end).
#
#   wc-native.sh setup DIR N                  the FIFOs DIR/in/map-1..N, and
#                                             DIR/out-K/reduce linked to them
#   wc-native.sh run DIR MAP REDUCE TEXT...   one run (the timed part); the
#                                             result in DIR/top-words.txt
set -eu
dir=$2
if [ "$1" = setup ]; then
	rm -rf "$dir/in" "$dir/out-"*
	mkdir -p "$dir/in"
	for i in $(seq "$3"); do
		mkfifo "$dir/in/map-$i"
		mkdir "$dir/out-$i"
		ln -s "$dir/in/map-$i" "$dir/out-$i/reduce"
	done
	exit 0
fi
map=$3 reduce=$4
shift 4
i=0
pids=()
for t in "$@"; do
	i=$((i + 1))
	"$map" "$t" "$dir/out-$i" &
	pids+=($!)
done
"$reduce" -n 20 "$dir/in" >"$dir/top-words.txt"
for p in "${pids[@]}"; do wait "$p"; done
