#!/usr/bin/env bash
# wc-native.sh DIR MAP REDUCE TEXT... - the word count's native baseline, in
# the arrangement zvjob gives it: one wc-map per text and the wc-reduce, all
# started at once, each map streaming to the reducer through a FIFO (what a
# network channel is to them: a file read to its end). The reducer's output
# goes to DIR/top-words.txt.
set -eu
dir=$1 map=$2 reduce=$3
shift 3
rm -rf "$dir/in" "$dir/out-"*
mkdir -p "$dir/in"
i=0
pids=()
for t in "$@"; do
	i=$((i + 1))
	mkfifo "$dir/in/map-$i"
	mkdir "$dir/out-$i"
	ln -s "$dir/in/map-$i" "$dir/out-$i/reduce"
	"$map" "$t" "$dir/out-$i" &
	pids+=($!)
done
"$reduce" -n 20 "$dir/in" >"$dir/top-words.txt"
for p in "${pids[@]}"; do wait "$p"; done
