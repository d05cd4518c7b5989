#!/bin/sh
# python-image.sh OUT.tar - the Python 3 image (make images): Debian's own
# python3.11 as the deps script installed it, for zvsh --image.
#
# What goes in (docs/python.md): /usr/bin/python3.11 and its python3 link;
# the interpreter ld.so and every library that the binary and the
# lib-dynload modules link (found with the host's ld.so --list, which maps
# them without running any of their code); the standard library of
# /usr/lib/python3.11 without test/, idlelib/, tkinter/, turtledemo/,
# ensurepip/, lib2to3/, the static libpython of the -dev package
# (config-3.11-*/) and the _test* modules; /etc/python3.11 (Debian's
# sitecustomize); /usr/lib/zvm/zygote.py, Python's zygote
# (scripts/python-zygote.py). Files keep their modification times, so the .pyc files
# Debian compiled stay valid. Merged /usr as on the host: /lib and /lib64
# are links into /usr.
#
# Reproducible: the same installed package gives the same bytes, whatever
# the umask, locale or temporary directory (tests/func/dynamic.sh; entries
# sorted by name, owner and group 0 without names, GNU format, which stores
# no access or change times; directories and links made here get the
# python3.11 binary's time). The directories made here take their mode from
# the umask: it is fixed, and so is the locale (tar's and sort's order).
set -eu
umask 022
export LC_ALL=C
OUT=$1
PY=/usr/bin/python3.11
LDSO=/lib64/ld-linux-x86-64.so.2
STD=/usr/lib/python3.11
[ -x "$PY" ] && [ -d "$STD" ] || {
	echo "python-image.sh: $PY is not installed (scripts/deps.sh test installs python3.11)" >&2
	exit 1
}
S=$(mktemp -d "${TMPDIR:-/tmp}/pyimage.XXXXXX")
trap 'rm -rf "$S" "$S.tar"' EXIT INT TERM

# copy PATH: the file PATH resolves to, at its real path, times kept; and
# PATH's name in its real directory as a link to it (libz.so.1 ->
# libz.so.1.2.13), as ld.so looks libraries up by those names.
copy() {
	real=$(readlink -f "$1")
	dir=$(readlink -f "$(dirname "$1")")
	mkdir -p "$S$(dirname "$real")" "$S$dir"
	cp -p "$real" "$S$real"
	name=$(basename "$1")
	[ "$dir/$name" = "$real" ] || [ -e "$S$dir/$name" ] || ln -s "$real" "$S$dir/$name"
}

copy "$PY"
ln -s python3.11 "$S/usr/bin/python3"
ln -s usr/lib "$S/lib"
ln -s usr/lib64 "$S/lib64"
copy "$LDSO" # and /usr/lib64/ld-linux-x86-64.so.2, a link to it

# The standard library, without what only develops or tests Python.
(cd / && find "${STD#/}" \
	\( -path "${STD#/}/test" -o -path "${STD#/}/idlelib" -o -path "${STD#/}/tkinter" \
	-o -path "${STD#/}/turtledemo" -o -path "${STD#/}/ensurepip" -o -path "${STD#/}/lib2to3" \
	-o -path "${STD#/}/config-3.11-x86_64-linux-gnu" \
	-o -name '_test*.so' -o -name '_xxtestfuzz*.so' -o -name 'xxlimited*.so' \) -prune \
	-o \( -type f -o -type l \) -print) |
	while read -r f; do
		mkdir -p "$S/$(dirname "$f")"
		cp -P -p "/$f" "$S/$f"
	done
mkdir -p "$S/etc"
cp -a /etc/python3.11 "$S/etc/"
# Python's zygote (scripts/python-zygote.py, docs/python.md "Warm starts"):
# what zvsh snapshots after Python's start-up. Its time: the binary's.
mkdir -p "$S/usr/lib/zvm"
cp "$(dirname "$0")/python-zygote.py" "$S/usr/lib/zvm/zygote.py"
chmod 0644 "$S/usr/lib/zvm/zygote.py"

# What the binary and the modules link.
for f in "$PY" "$S$STD"/lib-dynload/*.so; do
	"$LDSO" --list "$f"
done | sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p' | sort -u | while read -r lib; do
	copy "$lib"
done

T=$(stat -c %Y "$PY")
touch -d "@$T" "$S/usr/lib/zvm/zygote.py"
find "$S" -type d -exec touch -h -d "@$T" {} +
find "$S" -type l -exec touch -h -d "@$T" {} +
mkdir -p "$(dirname "$OUT")"
# No entry for the root itself: mounted at /, the image adds to the tree.
tar --sort=name --owner=0 --group=0 --numeric-owner --format=gnu -cf "$S.tar" -C "$S" etc lib lib64 usr
# The index in front (scripts/tarindex.c, docs/images.md): the runtime
# mounts the image from it instead of walking its 1,290 headers.
"${TARINDEX:-build/tarindex}" "$S.tar" "$OUT.tmp" 2>/dev/null
rm -f "$S.tar"
mv "$OUT.tmp" "$OUT"
