#!/usr/bin/env bash
# Hardware-in-the-loop: boots Debian's own kernel under qemu-system-x86_64 (TCG)
# with i2c-stub and gpio-sim (built here out of tree from linux-source), runs
# the unmodified static `holdfast` daemon against /dev/i2c-N and a gpiochip,
# and compares the session it records with the scenario's truth; once with
# holdfast built against libgpiod 1.6, once against 2.x.
# Usage: Tests/hil/run-hil.sh      Ends with 'hil: N passed, 0 failed' per guest, or 'hil: SKIPPED: why'.
#        HIL_RATE_HZ=860 HIL_SMP=2 Tests/hil/run-hil.sh   another ADS1115 rate (8 … 860 SPS) and
#        more emulated CPUs; CI uses 250 SPS on one (at 860 on one, feeder and daemon starve each other).
#
# It skips (exit 0, 'hil: SKIPPED: …') only where qemu cannot be installed: not root, not x86-64
# (the guest is Debian's amd64 kernel), or apt cannot reach its archive. KVM is not needed (TCG).
# Where it can run and does not (a package gone from the archive, a failed install), it fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/.build-hil

skip() { echo "hil: SKIPPED: $*"; exit 0; }
[ "$(uname -m)" = x86_64 ] || skip "an $(uname -m) host: the guest is Debian's amd64 kernel under qemu-system-x86_64"
[ "$(id -u)" -eq 0 ] || skip "not root: installing qemu and the kernel packages needs root"
mkdir -p "$work"
# This machine could run it: a missing package is a skip only if apt cannot reach its archive.
cannot_install() {  # cannot_install WHY LOG
  if ! apt-get update -qq --error-on=any >"$work/apt-update.log" 2>&1; then
    echo "hil: SKIPPED: $1, and apt cannot reach its archive:"; tail -n 3 "$work/apt-update.log"; exit 0
  fi
  echo "hil: FAILED: $1, although apt reaches its archive (root, x86-64: HIL can run here):"
  [ -z "${2:-}" ] || tail -n 5 "$2"
  exit 1
}

kernel_version() { apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -n 1; }
kver=$(kernel_version)
[ -n "$kver" ] || { apt-get update -qq >/dev/null 2>&1 || true; kver=$(kernel_version); }
[ -n "$kver" ] || cannot_install "no linux-image-amd64 in the package lists"
series=$(echo "$kver" | cut -d. -f1,2)  # 6.1 on bookworm, 6.12 on trixie
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-x86 busybox-static cpio \
      "linux-headers-$kver" "linux-source-$series" >/dev/null 2>"$work/apt.log"; then
  cannot_install "qemu or the kernel packages (linux $kver) cannot be installed" "$work/apt.log"
fi

# The guest kernel and its modules, unpacked (installing the image would run the host's initramfs hooks).
if [ ! -f "$work/image/boot/vmlinuz-$kver" ]; then
  (cd "$work" && apt-get download "linux-image-$kver" >/dev/null 2>"$work/apt.log") \
    || cannot_install "the kernel image linux-image-$kver cannot be downloaded" "$work/apt.log"
  (cd "$work" && dpkg-deb -x linux-image-"$kver"_*.deb image)
fi
modules=$work/image/lib/modules/$kver/kernel

# gpio-sim and irq_sim are not built by Debian: build them against the matching headers.
if [ ! -f "$work/mod/gpio-sim.ko" ]; then
  rm -rf "$work/mod" "$work/src" && mkdir -p "$work/mod" "$work/src"
  tar -xJf "/usr/src/linux-source-$series.tar.xz" -C "$work/src" --wildcards \
      '*/drivers/gpio/gpio-sim.c' '*/drivers/gpio/gpiolib.h' '*/kernel/irq/irq_sim.c'
  cp "$work"/src/*/drivers/gpio/gpio-sim.c "$work"/src/*/drivers/gpio/gpiolib.h "$work"/src/*/kernel/irq/irq_sim.c "$work/mod/"
  # irq_to_desc() is not exported to modules; generic_handle_irq() does the same for us.
  sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$work/mod/irq_sim.c"
  printf '\n#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' >> "$work/mod/irq_sim.c"
  echo 'obj-m := irq_sim.o gpio-sim.o' > "$work/mod/Makefile"
  make -s -C "/usr/src/linux-headers-$kver" M="$work/mod" modules >/dev/null
fi

# The daemon, with the Swift runtime linked in, once against each libgpiod generation:
# bookworm's 1.6 (the kernel's v1 character-device interface) and trixie's 2.x (v2).
build_static() {  # build_static SCRATCH: prints the binary's path
  swift build -c release --product holdfast --static-swift-stdlib --scratch-path "$1" >/dev/null
  echo "$(swift build -c release --static-swift-stdlib --scratch-path "$1" --show-bin-path)/holdfast"
}
bin1=$(build_static .build-static)
gpiod2=$(scripts/libgpiod2-prefix)
bin2=$(PKG_CONFIG_PATH="$gpiod2/pkgconfig" build_static .build-static-gpiod2)

# The trace and its truth.
"$bin1" simulate Tests/hil/hil.scenario --trace "$work/trace.csv" --truth "$work/truth.jsonl" >/dev/null

# run_guest NAME BINARY GENERATION [LIBDIR]: an initramfs around BINARY (and the shared
# libraries it loads, found in LIBDIR too), booted; the session compared with the truth.
run_guest() {
  local name=$1 bin=$2 generation=$3 libdir=${4:-}
  local dir=$work/$name rootfs=$work/$name/rootfs
  rm -rf "$dir" && mkdir -p "$rootfs"/{bin,modules,proc,sys,dev,lib64,lib/x86_64-linux-gnu}
  cp /bin/busybox "$rootfs/bin/busybox"
  strip -o "$rootfs/holdfast" "$bin"
  for lib in $(LD_LIBRARY_PATH=$libdir ldd "$bin" | awk '/=>/ {print $3}'); do cp -L "$lib" "$rootfs/lib/x86_64-linux-gnu/"; done
  cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
  cp "$modules/fs/configfs/configfs.ko" "$modules/drivers/i2c/i2c-dev.ko" "$modules/drivers/i2c/i2c-stub.ko" \
     "$work/mod/irq_sim.ko" "$work/mod/gpio-sim.ko" "$rootfs/modules/"
  cp "$work/trace.csv" "$rootfs/trace.csv"
  install -m 0755 Tests/hil/init.sh "$rootfs/init"
  (cd "$rootfs" && find . | cpio -o -H newc --quiet | gzip -1 > "$dir/initramfs.gz")

  echo "hil: $name: booting $kver under qemu (TCG), holdfast built against libgpiod $generation.x"
  local start=$SECONDS status
  set +e
  timeout "${HIL_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -smp "${HIL_SMP:-1}" -m 1024 -nographic -no-reboot \
    -kernel "$work/image/boot/vmlinuz-$kver" -initrd "$dir/initramfs.gz" \
    -append "console=ttyS0 quiet panic=-1 HIL_RATE_HZ=${HIL_RATE_HZ:-250}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 > "$dir/console.log" 2>&1
  status=$?
  set -e
  echo "hil: $name: guest ran $((SECONDS - start)) s, qemu status $status"
  grep -E '^HIL:' "$dir/console.log" | tr -d '\r' || true
  sed -n '/=== SESSION BEGIN/,/=== SESSION END/p' "$dir/console.log" | tr -d '\r' | sed '1d;$d' > "$dir/session.jsonl"
  sed -n '/=== DAEMON LOG/,/=== LOG END/p' "$dir/console.log" | tr -d '\r' | sed '1d;$d' > "$dir/daemon.log"
  local fault
  fault=$(grep -q '^HIL: stub removed' "$dir/console.log" && echo removed || echo kept)
  python3 Tests/hil/compare.py "$dir/session.jsonl" "$work/truth.jsonl" "$fault" "$dir/daemon.log" "$generation" || {
    echo "--- daemon log"; tail -n 30 "$dir/daemon.log"
    echo "--- kernel"; sed -n '/=== KERNEL$/,/=== KERNEL END/p' "$dir/console.log" | tr -d '\r'; exit 1; }
}

run_guest gpiod1 "$bin1" 1
run_guest gpiod2 "$bin2" 2 "$gpiod2/lib"
