#!/bin/sh
# Builds the test guest: build-guest.sh KERNEL_VERSION OUTDIR
# OUTDIR/vmlinuz is the Debian kernel (linux-image-cloud-amd64), OUTDIR/initramfs.gz a
# busybox-static initramfs (cpio newc, gzip) with virtio-net's modules and ./init.
set -eu
kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd -P)
moddir=/lib/modules/$kver
[ -r "/boot/vmlinuz-$kver" ] || { echo "no /boot/vmlinuz-$kver (apt-get install linux-image-cloud-amd64)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "no /bin/busybox (apt-get install busybox-static)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
: > "$root/lib/modules/order"
# Load order of virtio-net's dependencies; built-in ones (=y) have no module and are skipped.
for m in virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio virtio_pci failover net_failover virtio_net; do
    f=$(find "$moddir/kernel" -name "$m.ko*" | head -n 1)
    [ -n "$f" ] || continue
    case "$f" in
        *.ko.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
        *.ko.zst) zstd -dqc "$f" > "$root/lib/modules/$m.ko" ;;
        *.ko.gz) gzip -dc "$f" > "$root/lib/modules/$m.ko" ;;
        *) cp "$f" "$root/lib/modules/$m.ko" ;;
    esac
    echo "$m" >> "$root/lib/modules/order"
done
cp "$here/init" "$root/init"
cp "$here/udhcpc.script" "$root/udhcpc.script"
chmod 755 "$root/init" "$root/udhcpc.script"
mkdir -p "$out"
cpio=$(command -v cpio || echo "busybox cpio")
(cd "$root" && find . | $cpio -o -H newc 2>/dev/null | gzip -1) > "$out/initramfs.gz.tmp"
cp "/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"
mv "$out/initramfs.gz.tmp" "$out/initramfs.gz"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
