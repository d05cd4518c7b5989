#!/bin/sh
# make.sh - regenerate the GNU tar fixtures of tests/unit/test_tar.c.
#
# The same small tree in each format GNU tar writes, so the reader is tested
# against a real writer and not only against the test's own idea of one.
# The archives are committed; run this only to change them (GNU tar 1.34
# made the committed ones), then update the expected tables in test_tar.c.
#
#   ustar.tar   POSIX ustar: a 186-byte path through the prefix field
#   gnu.tar     GNU: 'L' long name, 'K' long link target
#   oldgnu.tar  old GNU: as gnu.tar, with the old magic
#   pax.tar     pax: 'x' headers with path, linkpath and a comment, a 'g'
#               global header
#   v7.tar      v7: no magic, no types beyond file, link and symlink
set -eu
cd "$(dirname "$0")"
out=$(pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

tree() { # $1: directory; $2: "long" for names only ustar extensions hold
	mkdir -p "$1/dir"
	printf 'hello, world\n' >"$1/hello.txt"
	: >"$1/empty"
	printf '#!/bin/sh\necho hi\n' >"$1/exec.sh"
	chmod 0644 "$1/hello.txt" "$1/empty"
	chmod 0755 "$1/exec.sh" "$1/dir"
	ln -s ../hello.txt "$1/dir/link"
	ln "$1/hello.txt" "$1/dir/hard"
	if [ "$2" != v7 ]; then
		mkfifo -m 0644 "$1/dir/fifo"
		a=$(printf '%090d' 0 | tr 0 a)
		b=$(printf '%090d' 0 | tr 0 b)
		mkdir -p "$1/deep/$a"
		printf 'deep\n' >"$1/deep/$a/$b"
		chmod 0644 "$1/deep/$a/$b"
		chmod 0755 "$1/deep" "$1/deep/$a"
	fi
	if [ "$2" = long ]; then
		x=$(printf '%0120d' 0 | tr 0 x)
		y=$(printf '%0150d' 0 | tr 0 y)
		mkdir -p "$1/long/$x"
		printf 'long\n' >"$1/long/$x/$y"
		chmod 0644 "$1/long/$x/$y"
		chmod 0755 "$1/long" "$1/long/$x"
		ln -s "$x/$y" "$1/long/sym"
	fi
}

make() { # $1: format; $2: tree kind; rest: tar options
	fmt=$1 kind=$2
	shift 2
	rm -rf "$t/$fmt"
	mkdir "$t/$fmt"
	tree "$t/$fmt" "$kind"
	(cd "$t/$fmt" && tar --format="$fmt" -b 1 --sort=name --mtime=@1700000000 --owner=0 --group=0 \
		--numeric-owner "$@" -cf "$out/$fmt.tar" .)
}

make ustar short
make gnu long
make oldgnu long
make pax long --pax-option=delete=atime,delete=ctime,comment=zerovm,comment:=zerovm-global
make v7 v7
