#!/bin/sh
# install.sh BUILD_DIR: `meson install` into a scratch DESTDIR must give the
# binary, library, headers, pkg-config file, modules, man page, bash and zsh
# completions; the shared library must export the API and nothing else
# (symbols.sh); a program built with the installed pkg-config file (its
# prefix moved into the DESTDIR) must run against the installed library,
# which must say the headers' version; the headers must compile without
# GNU attributes and as C++.
set -eu
build=$1
# programs built here against a sanitizer build's library would need its
# runtime preloaded; the normal build checks the installation
san=$(meson introspect --buildoptions "$build" | python3 -c 'import json, sys
print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
if [ "$san" != none ]; then
	echo "SKIP: $build is a sanitizer build; the installation is checked in the normal build" >&2
	exit 77
fi
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR=$dest meson install -C "$build" --quiet --no-rebuild >/dev/null

missing=0
for f in bin/portdex include/portdex.h include/portdex-version.h share/man/man1/portdex.1 share/bash-completion/completions/portdex \
	share/zsh/site-functions/_portdex; do
	found=$(find "$dest" -path "*/$f" | head -1)
	[ -n "$found" ] || { echo "install: missing $f" >&2; missing=1; }
done
for f in 'libportdex.so.*' libportdex.a portdex.pc portdex-xml.so portdex-fetch.so portdex-gzip.so; do
	[ -n "$(find "$dest" -name "$f" | head -1)" ] || { echo "install: missing $f" >&2; missing=1; }
done
[ "$missing" -eq 0 ] || exit 1
pc=$(dirname "$(find "$dest" -name portdex.pc | head -1)")
prefix=$(sed -n 's/^prefix=//p' "$pc/portdex.pc")
lib=$(dirname "$(find "$dest" -name 'libportdex.so.*' | head -1)")
export XDG_DATA_HOME=$dest/data
cat > "$dest/t.c" <<'C'
#include <portdex.h>
#include <stdio.h>
int main(void)
{
	struct pd_registry *reg;
	if (pd_registry_open_default(&reg))
		return 1;
	printf("%s\n", pd_status_name(pd_registry_status(reg, 22, PD_TCP)));
	pd_registry_free(reg);
	return 0;
}
C
# the installed portdex.pc, with its prefix where DESTDIR put it
flags=$(PKG_CONFIG_PATH=$pc pkg-config --define-variable=prefix="$dest$prefix" --cflags --libs portdex) ||
	{ echo "install: pkg-config --cflags --libs portdex failed" >&2; exit 1; }
case $flags in *"$dest"*) ;; *) echo "install: pkg-config flags do not point into DESTDIR: $flags" >&2; exit 1 ;; esac
cc "$dest/t.c" $flags -o "$dest/t" || { echo "install: cannot build against portdex.pc: $flags" >&2; exit 1; }
got=$(LD_LIBRARY_PATH=$lib "$dest/t") || { echo "install: the program against libportdex failed" >&2; exit 1; }
[ "$got" = assigned ] || { echo "install: the program against libportdex said '$got'" >&2; exit 1; }
"$(find "$dest" -path '*/bin/portdex')" 22 >/dev/null
inc=$(dirname "$(find "$dest" -name portdex.h | head -1)")
so=$(find "$dest" -name 'libportdex.so.*' -type f | head -1)
"$(dirname "$0")/symbols.sh" "$so" "$inc/portdex.h" >/dev/null
cat > "$dest/v.c" <<'C'
#include <portdex.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
	printf("%s\n", pd_version());
	return strcmp(pd_version(), PD_VERSION) != 0;
}
C
cc -I"$inc" "$dest/v.c" -L"$lib" -lportdex -o "$dest/v"
v=$(LD_LIBRARY_PATH=$lib "$dest/v") ||
	{ echo "install: the shared library's version differs from PD_VERSION" >&2; exit 1; }
grep -q "\"portdex $v\"" "$(find "$dest" -name portdex.1 | head -1)" ||
	{ echo "install: the manual does not say version $v" >&2; exit 1; }
[ "$(PKG_CONFIG_PATH=$pc pkg-config --modversion portdex)" = "$v" ] ||
	{ echo "install: portdex.pc does not say version $v" >&2; exit 1; }
# the installed headers where GNU attributes are unknown (another compiler:
# __GNUC__ and __clang__ undefined), and from C++
# (glibc's headers define __attribute__ away there: undefine it to see)
printf '#include <portdex.h>\n#undef __attribute__\nPD_WUR PD_PRINTF(1, 2) PD_EXTERN\n' > "$dest/h.c"
for building in '' -DPD_BUILDING_LIBRARY; do
	if cc -std=c11 -U__GNUC__ -U__clang__ $building -E -I"$inc" "$dest/h.c" | tail -1 | grep -q __attribute__; then
		echo "install: portdex.h uses GNU attributes on a compiler without them" >&2
		exit 1
	fi
done
printf '#include <portdex.h>\nint main(void) { return 0; }\n' > "$dest/h.c"
cc -std=c11 -U__GNUC__ -U__clang__ -fsyntax-only -I"$inc" "$dest/h.c"
! command -v c++ >/dev/null || c++ -fsyntax-only -x c++ -I"$inc" "$dest/h.c"
echo "install: ok"
