#!/bin/bash
# tools-layers.sh [TOOLS_DIR] - the host tools' dependencies run one way.
#
# The approach of tests/zrt/layers.sh, for the host tools: every file of
# tools/ belongs to a module, every module to a program (common: what zvsh
# and zvjob share, in tools/common/; zvsh; zvjob; zvns, the name server)
# and a layer (the table below; tools/common/tool.h, tools/zvsh/session.h
# and tools/zvjob/run.h say the same in prose). A file may include, with
# "...":
#   - headers of its own module;
#   - headers of modules on a lower layer, of its own program or of common
#     (never one above, never another module of its own layer, never
#     another tool's: so no two modules can depend on each other, and zvsh
#     and zvjob share only what is in common);
# The tools are host programs, so <...> headers are free. A "..." header is
# looked for beside the file, then in tools/common/, untrusted/ and abi/
# (the Makefile's -iquote flags), as the compiler does; of untrusted/, only
# the parsers' interfaces (tar.h, nvram.h, elfdyn.h, tarindex.h) may be included, of abi/ only
# the network contract (net_abi.h, zvns's), and nothing of the runtime. A
# .c file declares nothing of
# another file (no `extern`, no prototype of a function it does not
# define): what a file uses from another comes through a header, where this
# check sees it. A file in no module fails, so a new file must be placed
# here.
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

# program layer module files (paths relative to tools/; ../untrusted/ holds
# the parsers the tools share with the runtime)
LAYERS='
common 0  tool       common/tool.h common/tool.c
common 0  parsers    ../untrusted/tar.h ../untrusted/nvram.h ../untrusted/elfdyn.h ../untrusted/tarindex.h
common 1  workdir    common/workdir.h common/workdir.c
common 2  image      common/image.h common/image.c
common 2  manifest   common/manifest.h common/manifest.c
common 2  zerovm     common/zerovm.h common/zerovm.c
common 3  program    common/program.h common/program.c
zvsh   4  plan       zvsh/plan.h zvsh/plan.c
zvsh   5  channel    zvsh/channel.h zvsh/channel.c
zvsh   5  report     zvsh/report.h zvsh/report.c
zvsh   5  interp     zvsh/interp.h zvsh/interp.c
zvsh   5  deps       zvsh/deps.h zvsh/deps.c
zvsh   5  apply      zvsh/apply.h zvsh/apply.c
zvsh   6  bind       zvsh/bind.h zvsh/bind.c
zvsh   6  run        zvsh/run.h zvsh/run.c
zvsh   6  notes      zvsh/notes.h zvsh/notes.c
zvsh   6  snap       zvsh/snap.h zvsh/snap.c
zvsh   7  session    zvsh/session.h zvsh/session.c
zvsh   8  cmdline    zvsh.c
zvjob  4  job        zvjob/job.h zvjob/job.c
zvjob  4  listing    zvjob/listing.h zvjob/listing.c
zvjob  5  plan       zvjob/plan.h zvjob/plan.c
zvjob  6  planjson   zvjob/planjson.h zvjob/planjson.c
zvjob  6  node       zvjob/node.h zvjob/node.c
zvjob  6  nameserver zvjob/nameserver.h zvjob/nameserver.c
zvjob  7  outputs    zvjob/outputs.h zvjob/outputs.c
zvjob  7  report     zvjob/report.h zvjob/report.c
zvjob  8  runner     zvjob/runner.h zvjob/runner.c
zvjob  9  run        zvjob/run.h zvjob/run.c
zvjob  9  single     zvjob/single.h zvjob/single.c
zvjob  10 cmdline    zvjob.c
zvns   0  netabi     ../abi/net_abi.h
zvns   1  registry   zvns/registry.h zvns/registry.c
zvns   2  cmdline    zvns.c
'

# module_of PATH (relative to tools/): sets PROG, LAYER and MODULE (program
# and module, "zvsh/plan"), or returns 1
module_of() {
	local prog layer mod files f
	while read -r prog layer mod files; do
		[ -n "$prog" ] || continue
		for f in $files; do
			if [ "$1" == "$f" ]; then
				PROG=$prog LAYER=$layer MODULE=$prog/$mod
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

# check_tree DIR: prints one line per problem, nothing when the tree is good
check_tree() {
	local dir=$1 f rel mylayer mymod myprog line inc tdir tprog
	local -A layer_of=() module=() prog_of=()
	# every file of the tools and the runtime's headers they may use, with its module
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		if module_of "$rel"; then
			layer_of[$rel]=$LAYER module[$rel]=$MODULE prog_of[$rel]=$PROG
		fi
	done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' \); echo "$dir/../untrusted/tar.h"; echo "$dir/../untrusted/nvram.h"; echo "$dir/../untrusted/elfdyn.h"; echo "$dir/../untrusted/tarindex.h"; echo "$dir/../abi/net_abi.h")
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		if [ -z "${module[$rel]:-}" ]; then
			echo "$rel: in no module (add it to tests/func/tools-layers.sh and its program's list)"
			continue
		fi
		mylayer=${layer_of[$rel]} mymod=${module[$rel]} myprog=${prog_of[$rel]}
		tdir=$(dirname "$rel")
		while IFS= read -r line; do
			[[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] || continue
			inc=${BASH_REMATCH[1]}
			# beside the file, else in tools/common/, else in untrusted/
			resolve "$tdir" "$inc"
			[ -e "$dir/$TARGET" ] || resolve common "$inc"
			[ -e "$dir/$TARGET" ] || resolve ../untrusted "$inc"
			[ -e "$dir/$TARGET" ] || resolve ../abi "$inc"
			if [ -z "${module[$TARGET]:-}" ] || [ ! -e "$dir/$TARGET" ]; then
				echo "$rel: includes \"$inc\", which is no file of a module"
				continue
			fi
			tprog=${prog_of[$TARGET]}
			if [ "$tprog" != "$myprog" ] && [ "$tprog" != common ]; then
				echo "$rel: includes \"$inc\" (${module[$TARGET]}): $myprog may use only its own modules and common's"
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
	done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) | sort)
}

problems=$(check_tree "$TOOLS")
if [ -z "$problems" ]; then
	ok "tools/: every file of the tools is in a module and includes only its own module, lower layers and common"
else
	bad "tools/: the tools' layering is broken"
	sed 's/^/#   /' <<<"$problems"
fi

# The check must refuse each of these (a copy of the tree, one change; the
# runtime's headers are the real ones).
T=$(mktemp -d /tmp/tools-layers.XXXXXX)
trap 'rm -rf "$T"' EXIT
ln -s "$TOOLS/../untrusted" "$T/untrusted"
ln -s "$TOOLS/../abi" "$T/abi"
copy() { rm -rf "$T/tools" && cp -r "$TOOLS" "$T/tools"; }
copy
if [ -z "$(check_tree "$T/tools")" ]; then ok "accepts a copy of the tree"; else bad "refuses a copy of the tree"; fi
refuses() { # NAME FILE LINE: the copy with LINE added to FILE fails
	copy && mkdir -p "$(dirname "$T/tools/$2")"
	printf '%s\n' "$3" >>"$T/tools/$2"
	if [ -n "$(check_tree "$T/tools")" ]; then ok "refuses $1"; else bad "does not refuse $1"; fi
}
refuses "an include of a higher layer" zvsh/plan.c '#include "channel.h"'
refuses "an include of the command line's layer" zvsh/session.h '#include "../zvsh.c"'
refuses "an include of another module of the same layer" zvsh/channel.c '#include "report.h"'
refuses "a common module that includes a tool's" common/program.c '#include "../zvsh/plan.h"'
refuses "a common module that includes a higher one" common/workdir.c '#include "manifest.h"'
refuses "zvsh including zvjob" zvsh/session.c '#include "../zvjob/plan.h"'
refuses "zvjob including zvsh" zvjob/run.c '#include "../zvsh/run.h"'
refuses "zvjob including the name server's rules" zvjob/nameserver.c '#include "../zvns/registry.h"'
refuses "zvjob including the network contract" zvjob/nameserver.c '#include "net_abi.h"'
refuses "the name server's rules including its command line" zvns/registry.h '#include "../zvns.c"'
refuses "the helpers including a parser" common/tool.c '#include "tar.h"'
refuses "a header that is not there (the runtime's)" zvsh/run.c '#include "zrt.h"'
refuses "an include of a missing header" zvsh/report.c '#include "zvsh.h"'
refuses "a file in no module" zvsh/extra.c '#include "tool.h"'
refuses "an extern declared in a .c file" zvsh/channel.c 'extern int zvsh_verbose;'
refuses "a prototype of another file's function in a .c file" zvsh/report.c 'int run_zerovm(void);'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
