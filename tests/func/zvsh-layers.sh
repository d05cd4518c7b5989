#!/bin/bash
# zvsh-layers.sh [TOOLS_DIR] - zvsh's dependencies run one way.
#
# The approach of tests/zrt/layers.sh, for the front end: every file of
# zvsh (tools/zvsh.c, tools/zvsh/*) belongs to a module and every module to
# a layer (the table below; tools/zvsh/util.h says the same in prose). A
# file may include, with "...":
#   - headers of its own module;
#   - headers of modules on a lower layer (never one above, never another
#     module of its own layer: so no two modules can depend on each other).
# zvsh is a host program, so <...> headers are free. A "..." header is
# looked for beside the file, then in untrusted/ (the Makefile's -iquote
# untrusted), as the compiler does; of untrusted/, only the parsers'
# interfaces (tar.h, nvram.h) may be included, and nothing of the runtime. A .c file declares nothing of another
# file (no `extern`, no prototype of a function it does not define): what
# a file uses from another comes through a header, where this check sees
# it. A file in no module fails, so a new file must be placed here.
#
# Then the check checks itself: copies of the tree with one violation each
# must be refused.
#
# Prints "ok - ..." or "not ok - ..." and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS=$(cd "${1:-$HERE/../../tools}" && pwd)
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }

# layer module files (paths relative to tools/; ../untrusted/ holds the
# parsers zvsh shares with the runtime)
LAYERS='
0  util      zvsh/util.h zvsh/util.c
0  parsers   ../untrusted/tar.h ../untrusted/nvram.h
1  plan      zvsh/plan.h zvsh/plan.c
1  workdir   zvsh/workdir.h zvsh/workdir.c
2  channel   zvsh/channel.h zvsh/channel.c
2  image     zvsh/image.h zvsh/image.c
2  report    zvsh/report.h zvsh/report.c
3  program   zvsh/program.h zvsh/program.c
3  config    zvsh/config.h zvsh/config.c
3  run       zvsh/run.h zvsh/run.c
4  session   zvsh/session.h zvsh/session.c
5  cmdline   zvsh.c
'

# module_of PATH (relative to tools/): sets LAYER and MODULE, or returns 1
module_of() {
	local layer mod files f
	while read -r layer mod files; do
		[ -n "$layer" ] || continue
		for f in $files; do
			if [ "$1" == "$f" ]; then
				LAYER=$layer MODULE=$mod
				return 0
			fi
		done
	done <<<"$LAYERS"
	return 1
}

# resolve DIR REL: sets TARGET to DIR/REL normalized, relative to tools/
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

# zvsh_files DIR: zvsh's sources under DIR (tools/ holds other programs too:
# zvns)
zvsh_files() {
	find "$1" -type f \( -path "$1/zvsh.c" -o -path "$1/zvsh/*" \) \( -name '*.c' -o -name '*.h' \)
}

# check_tree DIR: prints one line per problem, nothing when the tree is good
check_tree() {
	local dir=$1 f rel mylayer mymod line inc tdir
	local -A layer_of=() module=()
	# every file of zvsh and the runtime's headers it may use, with its module
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		if module_of "$rel"; then
			layer_of[$rel]=$LAYER module[$rel]=$MODULE
		fi
	done < <(zvsh_files "$dir"; echo "$dir/../untrusted/tar.h"; echo "$dir/../untrusted/nvram.h")
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		if [ -z "${module[$rel]:-}" ]; then
			echo "$rel: in no module (add it to tests/func/zvsh-layers.sh and tools/zvsh/util.h)"
			continue
		fi
		mylayer=${layer_of[$rel]} mymod=${module[$rel]}
		tdir=$(dirname "$rel")
		while IFS= read -r line; do
			[[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] || continue
			inc=${BASH_REMATCH[1]}
			# beside the file, else in untrusted/ (-iquote untrusted)
			resolve "$tdir" "$inc"
			[ -e "$dir/$TARGET" ] || resolve ../untrusted "$inc"
			if [ -z "${module[$TARGET]:-}" ] || [ ! -e "$dir/$TARGET" ]; then
				echo "$rel: includes \"$inc\", which is no file of a module"
			elif [ "${module[$TARGET]}" != "$mymod" ] && [ "${layer_of[$TARGET]}" -ge "$mylayer" ]; then
				echo "$rel: includes \"$inc\" (${module[$TARGET]}, layer ${layer_of[$TARGET]}) from $mymod, layer $mylayer"
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
	done < <(zvsh_files "$dir" | sort)
}

problems=$(check_tree "$TOOLS")
if [ -z "$problems" ]; then
	ok "tools/: every file of zvsh is in a module and includes only its own module and lower layers"
else
	bad "tools/: zvsh's layering is broken"
	sed 's/^/#   /' <<<"$problems"
fi

# The check must refuse each of these (a copy of the tree, one change; the
# runtime's headers are the real ones).
T=$(mktemp -d /tmp/zvsh-layers.XXXXXX)
trap 'rm -rf "$T"' EXIT
ln -s "$TOOLS/../untrusted" "$T/untrusted"
copy() { rm -rf "$T/tools" && cp -r "$TOOLS" "$T/tools"; }
copy
if [ -z "$(check_tree "$T/tools")" ]; then ok "accepts a copy of the tree"; else bad "refuses a copy of the tree"; fi
refuses() { # NAME FILE LINE: the copy with LINE added to FILE fails
	copy && mkdir -p "$(dirname "$T/tools/$2")"
	printf '%s\n' "$3" >>"$T/tools/$2"
	if [ -n "$(check_tree "$T/tools")" ]; then ok "refuses $1"; else bad "does not refuse $1"; fi
}
refuses "an include of a higher layer" zvsh/workdir.c '#include "channel.h"'
refuses "an include of the command line's layer" zvsh/session.h '#include "../zvsh.c"'
refuses "an include of another module of the same layer" zvsh/image.c '#include "report.h"'
refuses "a helper that includes a parser" zvsh/util.c '#include "tar.h"'
refuses "a header that is not there (the runtime's)" zvsh/run.c '#include "zrt.h"'
refuses "an include of a missing header" zvsh/config.c '#include "zvsh.h"'
refuses "a file in no module" zvsh/extra.c '#include "util.h"'
refuses "an extern declared in a .c file" zvsh/channel.c 'extern int zvsh_verbose;'
refuses "a prototype of another file's function in a .c file" zvsh/report.c 'int run_zerovm(void);'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
