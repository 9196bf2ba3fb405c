#!/bin/sh
# install.sh BUILD_DIR: `meson install` into a scratch DESTDIR must give the
# binary, library, headers, pkg-config file, modules, man page and bash
# completion; the shared library must export the API and nothing else
# (symbols.sh); programs must build against the installed static and
# shared libraries, and the shared one must say the headers' version.
set -eu
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR=$dest meson install -C "$build" --quiet --no-rebuild >/dev/null

missing=0
for f in bin/portdex include/portdex.h include/portdex-version.h share/man/man1/portdex.1 share/bash-completion/completions/portdex; do
	found=$(find "$dest" -path "*/$f" | head -1)
	[ -n "$found" ] || { echo "install: missing $f" >&2; missing=1; }
done
for f in 'libportdex.so.*' libportdex.a portdex.pc portdex-xml.so portdex-fetch.so; do
	[ -n "$(find "$dest" -name "$f" | head -1)" ] || { echo "install: missing $f" >&2; missing=1; }
done
[ "$missing" -eq 0 ] || exit 1
pc=$(dirname "$(find "$dest" -name portdex.pc | head -1)")
inc=$(dirname "$(find "$dest" -name portdex.h | head -1)")
lib=$(dirname "$(find "$dest" -name libportdex.a | head -1)")
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
PKG_CONFIG_PATH=$pc pkg-config --exists portdex
cc -I"$inc" "$dest/t.c" "$lib/libportdex.a" -lcsv -ldl -lmnl -lpthread -lcmark -o "$dest/t"
[ "$("$dest/t")" = assigned ] || { echo "install: program against libportdex failed" >&2; exit 1; }
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
"$(find "$dest" -path '*/bin/portdex')" 22 >/dev/null
echo "install: ok"
