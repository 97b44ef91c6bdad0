package sandbox

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ethtoolValue is struct ethtool_value.
type ethtoolValue struct {
	cmd  uint32
	data uint32
}

// ifreqData is struct ifreq with the ifr_data pointer member (40 bytes on 64-bit Linux).
type ifreqData struct {
	name [unix.IFNAMSIZ]byte
	data unsafe.Pointer
	_    [16]byte
}

// TxChecksumOff is `ethtool -K dev tx off` through the SIOCETHTOOL ioctl (ETHTOOL_STXCSUM),
// in the calling thread's network namespace (wrap it in Do). The userspace datapath never
// completes a checksum the sender offloaded, so TCP across it needs this on the guests' veths.
func TxChecksumOff(dev string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("sandbox: ethtool socket: %w", err)
	}
	defer unix.Close(fd)
	v := ethtoolValue{cmd: unix.ETHTOOL_STXCSUM, data: 0}
	var ifr ifreqData
	copy(ifr.name[:], dev)
	ifr.data = unsafe.Pointer(&v)
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr))); errno != 0 {
		return fmt.Errorf("sandbox: SIOCETHTOOL ETHTOOL_STXCSUM %s: %w", dev, errno)
	}
	return nil
}

// Ping sends one ICMP echo request to dst through a raw socket opened in the calling thread's
// namespace (wrap it in Do) and waits up to timeout for the matching reply. It returns the
// round-trip time.
func Ping(dst net.IP, seq uint16, timeout time.Duration) (time.Duration, error) {
	dst4 := dst.To4()
	if dst4 == nil {
		return 0, fmt.Errorf("sandbox: ping %s: IPv4 only", dst)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
	if err != nil {
		return 0, fmt.Errorf("sandbox: ICMP socket: %w", err)
	}
	f := os.NewFile(uintptr(fd), "icmp")
	defer f.Close()
	id := uint16(os.Getpid() & 0xffff)
	msg := []byte{8, 0, 0, 0, byte(id >> 8), byte(id), byte(seq >> 8), byte(seq), 'g', 'o', 'v', 'i', 'f', '!', '!', '!'}
	binary.BigEndian.PutUint16(msg[2:], inetChecksum(msg))
	var sa unix.SockaddrInet4
	copy(sa.Addr[:], dst4)
	start := time.Now()
	if err := unix.Sendto(fd, msg, 0, &sa); err != nil {
		return 0, fmt.Errorf("sandbox: send echo to %s: %w", dst, err)
	}
	deadline := start.Add(timeout)
	buf := make([]byte, 1500)
	for {
		rem := time.Until(deadline)
		if rem <= 0 {
			return 0, fmt.Errorf("sandbox: no echo reply from %s within %v", dst, timeout)
		}
		tv := unix.NsecToTimeval(rem.Nanoseconds())
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return 0, err
		}
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EAGAIN || err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("sandbox: receive echo reply: %w", err)
		}
		if n < 28 {
			continue
		}
		ihl := int(buf[0]&0x0f) * 4
		if ihl+8 > n {
			continue
		}
		icmp := buf[ihl:n]
		if icmp[0] == 0 && binary.BigEndian.Uint16(icmp[4:]) == id &&
			binary.BigEndian.Uint16(icmp[6:]) == seq && net.IP(buf[12:16]).Equal(dst4) {
			return time.Since(start), nil
		}
	}
}

func inetChecksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = (sum & 0xffff) + sum>>16
	}
	return ^uint16(sum)
}
