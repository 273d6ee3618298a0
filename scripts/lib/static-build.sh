# Sourced by scripts/package-deb, scripts/bench-memory and scripts/order-hot-code: the release build the Debian
# package installs, one definition for all three. Run from the repository's root.
#
#   swift build "${STATIC_BUILD[@]}" --product messagingd
#
# - Its own scratch folder: SwiftPM does not relink a binary that .build/release already holds when only the flags
#   below change (scripts/bench-all builds the same products there without them), so the binary packaged or
#   measured could otherwise be the dynamic one.
# - -static-stdlib: the Swift runtime and Foundation are linked in; the board needs no toolchain.
# - lld instead of gold, for what gold lacks:
#   - -z pack-relative-relocs: the relative relocations of the position-independent executable as DT_RELR
#     (glibc >= 2.36, Debian 12) instead of 24-byte .rela.dyn entries: 3.2 MB less that the dynamic loader reads
#     at every start, and keeps resident.
#   - --symbol-ordering-file: the functions that start-up, the mirror's pass and the idle loop run (found by
#     scripts/order-hot-code) are placed together at the start of .text, so that they fill few pages instead of
#     one or two functions on each of hundreds of pages, each fault mapping up to 16 neighbours (the kernel's
#     fault-around). Names the file lacks or no longer matches only stay where they were.
#   - -T messagingd-text.ld: the same for the functions Swift emits without a symbol (the file says which).
# - -function-sections: each function of this package and its dependencies in its own section, so that the ordering
#   moves functions, not whole files (the toolchain's libswiftCore.a is built so already), and --gc-sections
#   (which SwiftPM passes in release) drops the unused ones.
# - --no-export-dynamic: the toolchain's static-stdlib-args.lnk exports every symbol of the package's objects
#   (-export-dynamic): 4.5 MB of dynamic symbol table, which the dynamic loader searches at every start;
#   nothing looks them up (no plugins are loaded; Swift finds its metadata through its own sections).
STATIC_BUILD_ORDER_FILE=scripts/lib/messagingd.order
STATIC_BUILD=(
    -c release --scratch-path .build/static
    -Xswiftc -static-stdlib
    -Xswiftc -use-ld=lld
    -Xswiftc -Xfrontend -Xswiftc -function-sections
    -Xlinker -z -Xlinker pack-relative-relocs
    -Xlinker --no-export-dynamic
    -Xlinker "--symbol-ordering-file=$PWD/$STATIC_BUILD_ORDER_FILE" -Xlinker --no-warn-symbol-ordering
    -Xlinker -T -Xlinker "$PWD/scripts/lib/messagingd-text.ld"
)

# static_build_forget PRODUCT...: removes the linked executables, so that the next build links them again. SwiftPM
# does not know the link reads the ordering file and the linker script, and would keep executables linked with an
# older ordering (relinking takes seconds; nothing is compiled again).
static_build_forget() {
    local bin product
    bin=$(swift build "${STATIC_BUILD[@]}" --show-bin-path)
    for product in "$@"; do rm -f "$bin/$product"; done
}

# SwiftPM does not compile again what .build/static holds when only the compiler flags above change (seen with
# -function-sections: a folder built before kept its objects without it, and the ordering could not move their
# functions). So the flags are kept beside the build, and a folder built with other flags is started afresh.
static_build_stamp=.build/static/static-build-flags
if [ -d .build/static ] && [ "$(cat "$static_build_stamp" 2>/dev/null)" != "${STATIC_BUILD[*]}" ]; then
    echo "static-build: .build/static was built with other flags; building it afresh" >&2
    rm -rf .build/static
fi
mkdir -p .build/static
printf '%s' "${STATIC_BUILD[*]}" >"$static_build_stamp"
