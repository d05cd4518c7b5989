#!/bin/sh
# setup.sh ROOT [BUILD] - the objects the job examples read, as files under
# ROOT for zvjob --root ROOT (docs/jobs.md, "Examples"):
#   demo/bin    the example programs (BUILD/examples/jobs/, built by make)
#   demo/texts  the bundled texts (examples/data/*.txt)
#   demo/out, demo/upper   empty containers the jobs write into
set -eu
root=${1:?usage: setup.sh ROOT [BUILD]}
build=${2:-build}
here=$(dirname "$0")
mkdir -p "$root/demo/bin" "$root/demo/texts" "$root/demo/out" "$root/demo/upper"
cp "$build"/examples/jobs/* "$root/demo/bin/"
cp "$here"/../data/*.txt "$root/demo/texts/"
