#!/bin/bash
# layers.sh [ZRT_DIR] - the runtime's dependencies run one way.
#
# Every file of the runtime belongs to a module and every module to a
# layer (the table below; zrt/zrt.h says the same in prose). A file may
# include:
#   - headers of its own module;
#   - headers of modules on a lower layer (never one above, never another
#     module of its own layer: so no two modules can depend on each other);
#   - among <...> headers, only the compiler's freestanding ones (stdarg,
#     stdbool, stddef, stdint) and the kernel's (linux/, asm/,
#     asm-generic/): there is no C library in the sandbox.
# A .c file declares nothing of another file (no `extern`, no prototype of
# a function it does not define): what a file uses from another comes
# through a header, where this check sees it. A file in no module fails,
# so a new file must be placed here.
#
# Then the check checks itself: copies of the tree with one violation each
# must be refused.
#
# Prints "ok - ..." or "not ok - ..." and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ZRT=$(cd "${1:-$HERE/../../zrt}" && pwd)
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }

# layer module files (paths relative to zrt/). The base layer also holds
# what the runtime shares with other domains, reached through the include
# paths of its build (-iquote ../abi ../untrusted ../include): the
# contracts with the supervisor (../abi/), the parsers it runs like zvsh
# (../untrusted/), the guest API and the raw guests' mem* (../include/,
# ../lib/).
SHARED='../abi/zrt_abi.h ../abi/trap_abi.h ../untrusted/libc.h ../untrusted/nvram.h ../untrusted/nvram.c
../untrusted/tar.h ../untrusted/tar.c ../untrusted/tarindex.h ../untrusted/tarindex.c ../untrusted/elfdyn.h ../untrusted/elfdyn.c ../include/zvm.h ../include/zvm_mem.h ../lib/zvm_mem.c'
INCLUDE_PATH='../abi ../untrusted ../include'
LAYERS='
0  base      zrt.h syscall.h util.c start.S start.h zrt.ld.S '"$(echo $SHARED)"'
1  user      user.h user.c
1  mem       mem.h mem.c
2  chan      chan.h chan.c
2  clock     clock.h clock.c
2  rng       rng.h rng.c
3  log       log.h log.c
4  exit      exit.h exit.c
5  thread    thread.h thread.c
6  pipe      pipe.h pipe.c
6  signal    sig.h signal.c
7  config    config.h config.c
8  fs        fs/*
9  image     image/*
10 mman      mman.c
10 identity  identity.c
10 process   process.c
10 interp    interp.h interp.c
10 fork      fork.h fork.c
11 syscall   syscall.c
11 entry     entry.c
'

# module_of PATH (relative to zrt/): sets LAYER and MODULE, or returns 1
module_of() {
	local layer mod files f
	while read -r layer mod files; do
		[ -n "$layer" ] || continue
		for f in $files; do
			# shellcheck disable=SC2053
			if [[ $1 == $f ]]; then
				LAYER=$layer MODULE=$mod
				return 0
			fi
		done
	done <<<"$LAYERS"
	return 1
}

# resolve DIR REL: sets TARGET to DIR/REL normalized, relative to zrt/
resolve() {
	local out=() part parts
	IFS=/ read -ra parts <<<"$1/$2"
	for part in "${parts[@]}"; do
		case $part in
		"" | .) ;;
		..) if [ ${#out[@]} -gt 0 ] && [ "${out[-1]}" != .. ]; then unset 'out[-1]'; else out+=(..); fi ;;
		*) out+=("$part") ;;
		esac
	done
	TARGET=$(
		IFS=/
		echo "${out[*]}"
	)
}

# check_tree DIR: prints one line per problem, nothing when the tree is good
check_tree() {
	local dir=$1 f rel mylayer mymod line inc tdir ipath
	local -A layer_of=() module=()
	# every file of the tree and of the public ABI, with its module
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		if module_of "$rel"; then
			layer_of[$rel]=$LAYER module[$rel]=$MODULE
		fi
	done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \); for f in $SHARED; do echo "$dir/$f"; done)
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		if [ -z "${module[$rel]:-}" ]; then
			echo "$rel: in no module (add it to tests/zrt/layers.sh and zrt/zrt.h)"
			continue
		fi
		mylayer=${layer_of[$rel]} mymod=${module[$rel]}
		tdir=$(dirname "$rel")
		while IFS= read -r line; do
			if [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
				inc=${BASH_REMATCH[1]}
				# beside the file, then along the include path, as cpp looks
				resolve "$tdir" "$inc"
				for ipath in $INCLUDE_PATH; do
					[ -e "$dir/$TARGET" ] && break
					resolve "$ipath" "$inc"
				done
				if [ -z "${module[$TARGET]:-}" ] || [ ! -e "$dir/$TARGET" ]; then
					echo "$rel: includes \"$inc\", which is no file of a module"
				elif [ "${module[$TARGET]}" != "$mymod" ] && [ "${layer_of[$TARGET]}" -ge "$mylayer" ]; then
					echo "$rel: includes \"$inc\" (${module[$TARGET]}, layer ${layer_of[$TARGET]}) from $mymod, layer $mylayer"
				fi
			elif [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
				inc=${BASH_REMATCH[1]}
				case $inc in
				stdarg.h | stdbool.h | stddef.h | stdint.h | linux/* | asm/* | asm-generic/*) ;;
				*) echo "$rel: includes <$inc>: not freestanding, not the kernel's" ;;
				esac
			fi
		done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$f")
		case $rel in
		*.c)
			# file-scope declarations of other files' names: `extern`,
			# or a prototype (a line at column 0: a type, a name, a
			# parameter list without parentheses in it, ";")
			grep -nE '^extern[[:space:]]' "$f" | sed "s|^|$rel:|; s|\$| (declare it in a header)|"
			grep -nE '^[a-z_][a-z0-9_ *]*[ *][a-z_][a-z0-9_]*\([^()]*\);' "$f" | grep -vE '^[0-9]+:(static|return)[[:space:]]' |
				sed "s|^|$rel:|; s|\$| (declare it in a header)|"
			;;
		esac
	done < <({ find "$dir" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \); for f in $SHARED; do echo "$dir/$f"; done; } | sort)
}

problems=$(check_tree "$ZRT")
if [ -z "$problems" ]; then
	ok "zrt/: every file is in a module and includes only its own module, lower layers and freestanding or kernel headers"
else
	bad "zrt/: the layering is broken"
	sed 's/^/#   /' <<<"$problems"
fi

# The check must refuse each of these (a copy of the tree, one change).
T=$(mktemp -d /tmp/zrt-layers.XXXXXX)
trap 'rm -rf "$T"' EXIT
copy() {
	local d
	for d in zrt abi untrusted include lib; do
		rm -rf "${T:?}/$d"
		if [ "$d" = zrt ]; then cp -r "$ZRT" "$T/zrt"; else cp -r "$ZRT/../$d" "$T/$d"; fi
	done
}
copy
if [ -z "$(check_tree "$T/zrt")" ]; then ok "accepts a copy of the tree"; else bad "refuses a copy of the tree"; fi
refuses() { # NAME FILE LINE: the copy with LINE added to FILE fails
	copy && mkdir -p "$(dirname "$T/zrt/$2")"
	printf '%s\n' "$3" >>"$T/zrt/$2"
	if [ -n "$(check_tree "$T/zrt")" ]; then ok "refuses $1"; else bad "does not refuse $1"; fi
}
refuses "an include of a higher layer" mem.c '#include "fs/fs.h"'
refuses "an include of another module of the same layer" clock.c '#include "rng.h"'
refuses "a C library header" fs/rw.c '#include <string.h>'
refuses "a file in no module" extra.c '#include "zrt.h"'
refuses "an extern declared in a .c file" chan.c 'extern int log_verbosity;'
refuses "a prototype of another file's function in a .c file" pipe.c 'void *mem_alloc(size_t n);'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
