#!/bin/sh
# embed.sh IMAGE: writes an assembler file that compiles IMAGE into the
# library. The image's hash is part of the output, so a new image rebuilds it.
set -eu
img=$1
sum=$(cksum < "$img")
sed -e "s|@IMAGE@|$img|" -e "s|@SUM@|$sum|" "$(dirname "$0")/../lib/embedded.S.in"
